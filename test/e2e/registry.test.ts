/**
 * The sandbox registry as a stack uses it: one server builds an image and pushes it to
 * 127.0.2.1:5000, a second server pulls and runs it under the same name. Both reach the registry at its
 * loopback public address (NETMAPed inside each VM); dockerd treats 127.0.0.0/8 as an insecure
 * registry by default, so plain HTTP works with no daemon flag, as on the host.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGISTRY_PORT, SERVICE_ADDRESSES } from "../../src/sandbox/layout.ts";
import { createTestServer, hetznerApi, inServer, mustInServer, type TestServer } from "./support/servers.ts";

const servers: TestServer[] = [];
const nonce = randomBytes(4).toString("hex");
const image = `${SERVICE_ADDRESSES.registry}:${REGISTRY_PORT}/e2e/greeter:${nonce}`;

beforeAll(async () => {
  const [builder, runner] = await Promise.all([
    createTestServer(`builder-${nonce}`),
    createTestServer(`runner-${nonce}`),
  ]);
  servers.push(builder, runner);
});

afterAll(async () => {
  for (const s of servers) await hetznerApi("DELETE", `/servers/${s.id}`);
});

describe("sandbox registry", () => {
  it("takes an image one server built and pushed, and serves it to another under the same name", async () => {
    const [builder, runner] = servers as [TestServer, TestServer];
    await mustInServer(
      builder,
      [
        "set -e",
        "mkdir -p /tmp/greeter && cd /tmp/greeter",
        `printf 'FROM debian:bookworm-slim\\nCOPY message /message\\nCMD ["cat", "/message"]\\n' > Dockerfile`,
        `echo "built on ${builder.name}" > message`,
        `docker build --quiet --tag ${image} .`,
        `docker push --quiet ${image}`,
      ].join("\n"),
    );
    expect((await inServer(runner, `docker image inspect ${image}`)).code).not.toBe(0);
    const output = await mustInServer(runner, `docker run --rm ${image}`);
    expect(output.trim()).toBe(`built on ${builder.name}`);
    const pulled = await mustInServer(
      runner,
      `docker image inspect --format '{{index .RepoDigests 0}}' ${image}`,
    );
    const pushed = await mustInServer(
      builder,
      `docker image inspect --format '{{index .RepoDigests 0}}' ${image}`,
    );
    expect(pulled.trim()).toBe(pushed.trim());
  });

  it("lists the pushed repository in the registry's catalog", async () => {
    const res = await fetch(`http://${SERVICE_ADDRESSES.registry}:${REGISTRY_PORT}/v2/e2e/greeter/tags/list`);
    expect(await res.json()).toMatchObject({ name: "e2e/greeter", tags: expect.arrayContaining([nonce]) });
  });
});
