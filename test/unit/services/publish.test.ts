// Registry images: names, tags and the local build argv.
import { describe, expect, it } from "vitest";
import { extraTags, localBuildArgv, registryImage, releaseTags } from "../../../src/services/publish.ts";

describe("registry images", () => {
  it("names a built image after registry, namespace and service, tagged with its content hash", () => {
    expect(registryImage({ server: "ghcr.io", namespace: "acme/shop" }, "shop", "web", "3f9c2ab")).toBe(
      "ghcr.io/acme/shop/web:3f9c2ab",
    );
    expect(registryImage({ server: "127.0.2.1:5000" }, "shop", "web", "abc")).toBe(
      "127.0.2.1:5000/shop/web:abc",
    );
  });

  it("tags latest, the commit when there is one, and <environment>-<release>", () => {
    expect(releaseTags("production", "r1", "0a1b2c3d4e5f")).toEqual([
      "latest",
      "0a1b2c3d4e5f",
      "production-r1",
    ]);
    expect(releaseTags("staging", "r1", null)).toEqual(["latest", "staging-r1"]);
  });

  it("puts extra tags on the image's own repository, registry port included", () => {
    expect(extraTags("127.0.2.1:5000/shop/web:abc", ["latest", "production-r1"])).toEqual([
      "127.0.2.1:5000/shop/web:latest",
      "127.0.2.1:5000/shop/web:production-r1",
    ]);
  });

  it("builds the context directory here, with the Dockerfile inside it", () => {
    const build = { context: "/src/app", dockerfile: "Dockerfile.prod", args: { V: "1" }, target: "prod" };
    // biome-ignore format: one flag and its value per line
    expect(localBuildArgv("r/shop/web:abc", build)).toEqual([
      "docker", "build", "--quiet",
      "--tag", "r/shop/web:abc",
      "--file", "/src/app/Dockerfile.prod",
      "--target", "prod",
      "--build-arg", "V=1",
      "/src/app",
    ]);
  });
});
