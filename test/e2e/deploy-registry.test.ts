/**
 * Deploys through a registry: with `registry` set, slipway builds the hello image once on this machine,
 * pushes it to the sandbox registry with its tags (content hash, latest, <environment>-<release>) and
 * the server pulls it; `deploy --image` then runs a given image reference instead.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCli, runCli } from "./support/cli.ts";
import { httpsPage } from "./support/pages.ts";
import { exampleWorkspace, type Workspace } from "./support/workspace.ts";

describe("deploys through the sandbox registry", () => {
  let ws: Workspace;
  const cli = (args: string[], code: number) => expectCli(args, code, { cwd: ws.dir, env: ws.env });
  const page = async (address: string) => (await httpsPage(ws, address)).stdout;

  beforeAll(() => {
    ws = exampleWorkspace("hello");
    // This machine's Docker has no Docker Hub: the image builds here from the sandbox registry's Debian.
    const dockerfile = join(ws.dir, "app", "Dockerfile");
    writeFileSync(
      dockerfile,
      readFileSync(dockerfile, "utf8").replace(
        "FROM debian:bookworm-slim",
        "FROM 127.0.2.1:5000/library/debian:bookworm-slim",
      ),
    );
    const file = join(ws.dir, "slipway.config.ts");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        'location: "fsn1",',
        'location: "fsn1",\n  registry: { server: "127.0.2.1:5000", namespace: "e2e-registry" },',
      ),
    );
  });
  afterAll(async () => {
    await runCli(["destroy", "--yes"], { cwd: ws.dir, env: ws.env });
    ws.remove();
  });

  it("pushes the built image with its tags, and the server runs it from the registry", async () => {
    const up = await cli(["up", "--yes"], 0);
    expect(up.stdout).toMatch(/image\s+= "127\.0\.2\.1:5000\/e2e-registry\/web:[0-9a-f]{12} \(built from /);
    const tags = (await (await fetch("http://127.0.2.1:5000/v2/e2e-registry/web/tags/list")).json()) as {
      tags: string[];
    };
    expect(tags.tags).toContain("latest");
    expect(tags.tags.some((t) => /^production-[0-9a-f]{12}$/.test(t))).toBe(true);
    expect(tags.tags.some((t) => /^[0-9a-f]{12}$/.test(t))).toBe(true);

    const releases = JSON.parse((await cli(["releases", "web", "--json"], 0)).stdout) as {
      services: { releases: { image: string; serving: boolean }[] }[];
    };
    expect(releases.services[0]!.releases[0]!.image).toMatch(/^127\.0\.2\.1:5000\/e2e-registry\/web:/);
  });

  it("deploys a given image reference with --image", async () => {
    await cli(["deploy", "web", "--image", "127.0.2.1:5000/e2e-registry/web:latest"], 0);
    const status = JSON.parse((await cli(["status", "--json"], 0)).stdout) as {
      services: { address: string }[];
    };
    expect(await page(status.services[0]!.address)).toContain("Hello from slipway");
    const releases = JSON.parse((await cli(["releases", "web", "--json"], 0)).stdout) as {
      services: { releases: { image: string; serving: boolean }[] }[];
    };
    expect(releases.services[0]!.releases.find((r) => r.serving)?.image).toBe(
      "127.0.2.1:5000/e2e-registry/web:latest",
    );
  });
});
