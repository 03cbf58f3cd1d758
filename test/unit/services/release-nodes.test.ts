// How service releases and accessories enter the resource graph: one host at a time, after the
// accessories they depend on, with connection strings and registry images.
import { describe, expect, it } from "vitest";
import { parseStack } from "../../../src/config/index.ts";
import type { ReleaseInput } from "../../../src/services/release.ts";
import { stackResources } from "../../../src/stack/resources.ts";
import { SecretResolver } from "../../../src/stack/secrets.ts";
import { withStack } from "../config/helpers.ts";

async function releases(patch: Record<string, unknown>) {
  const nodes = await stackResources({
    stack: parseStack(withStack(patch)),
    configDir: "/nonexistent",
    publicKey: "ssh-ed25519 AAAA test",
    acme: {},
    secrets: new SecretResolver({ DB_PASSWORD: "pw" }),
    hostKey: () => ({ privateKey: "k", publicKey: "ssh-ed25519 AAAA host" }),
    contextHash: async () => "0123456789abcdef",
  });
  return nodes.filter((n) => n.kind.kind === "service.release" || n.kind.kind === "service.accessory");
}

describe("release nodes", () => {
  it("roll one host at a time: each waits for the release on the host before it", async () => {
    const nodes = await releases({ servers: { web: { count: 3 } } });
    expect(nodes.map((n) => [n.address, n.dependsOn.filter((d) => d.startsWith("service.release"))])).toEqual(
      [
        ["service.release.web@web-1", []],
        ["service.release.web@web-2", ["service.release.web@web-1"]],
        ["service.release.web@web-3", ["service.release.web@web-2"]],
      ],
    );
  });

  it("start after their accessories and get their connection strings as secrets", async () => {
    const nodes = await releases({
      services: { web: { dependsOn: ["db"] } },
      accessories: {
        db: { type: "postgres", version: "15", server: "web", password: { secret: "DB_PASSWORD" } },
      },
    });
    expect(nodes.map((n) => n.address)).toEqual(["service.accessory.db", "service.release.web@web"]);
    expect(nodes[1]!.dependsOn).toContain("service.accessory.db");
    const input = nodes[1]!.input as ReleaseInput;
    expect(input.env.DB_URL).toBe("postgres://app:pw@db:5432/app");
    expect(input.secretKeys).toContain("DB_URL");
  });

  it("name built images after the registry and tag them for publishing", async () => {
    const nodes = await releases({
      registry: { server: "127.0.2.1:5000" },
      services: { web: { image: null, build: { context: "./app" } } },
    });
    const input = nodes[0]!.input as ReleaseInput;
    expect(input.image).toBe("127.0.2.1:5000/shop/web:0123456789ab");
    expect(input.publish?.tags).toEqual(["latest", `production-${input.release}`]);
  });
});
