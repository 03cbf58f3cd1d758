// docker argv for releases and the proxy: exact flags, loopback-only ports, labels, and the release listing.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  containerName,
  envFilePath,
  HOST_PORTS,
  hostPortSeed,
  listReleases,
  pickHostPort,
  type ReleaseSpec,
  removeContainer,
  runProxy,
  runRelease,
  stopRelease,
} from "../../../src/services/commands/containers.ts";

const web: ReleaseSpec = {
  stack: "shop",
  service: "web",
  release: "3f9c2ab",
  image: "ghcr.io/acme/web@sha256:ab12",
  port: 8080,
  hostPort: 20417,
  envFile: "/etc/slipway/env/shop-web-3f9c2ab.env",
  spec: '{"image":"ghcr.io/acme/web@sha256:ab12"}',
};

describe("runRelease", () => {
  it("runs a named, labelled container with an init, publishing the app port on its loopback port only", () => {
    // biome-ignore format: one flag and its value per line
    expect(runRelease(web)).toEqual([
      "docker", "run", "--detach",
      "--init",
      "--name", "shop-web-3f9c2ab",
      "--restart", "unless-stopped",
      "--publish", "127.0.0.1:20417:8080",
      "--env-file", "/etc/slipway/env/shop-web-3f9c2ab.env",
      "--label", "dev.slipway.stack=shop",
      "--label", "dev.slipway.service=web",
      "--label", "dev.slipway.release=3f9c2ab",
      "--label", 'dev.slipway.spec={"image":"ghcr.io/acme/web@sha256:ab12"}',
      "--log-opt", "max-size=10m",
      "--log-opt", "max-file=3",
      "ghcr.io/acme/web@sha256:ab12",
    ]);
  });

  it.each([
    ["a memory limit in MiB", { memory: 512 }, ["--memory", "512m"]],
    ["a CPU limit", { cpus: 1.5 }, ["--cpus", "1.5"]],
    ["a user", { runAs: "1000:1000" }, ["--user", "1000:1000"]],
  ])("adds %s just before the image", (_, extra, flags) => {
    const argv = runRelease({ ...web, ...extra });
    expect(argv.slice(-flags.length - 1, -1)).toEqual(flags);
  });

  it.each([
    ["a worker without a port", { port: undefined }],
    ["a release whose host port is not chosen yet", { hostPort: undefined }],
  ])("publishes nothing for %s", (_, overrides) => {
    expect(runRelease({ ...web, ...overrides })).not.toContain("--publish");
  });

  it("passes the command after the image, word for word", () => {
    const argv = runRelease({ ...web, command: ["bundle", "exec", "sidekiq", "-q", "it's"] });
    expect(argv.slice(-6)).toEqual([
      "ghcr.io/acme/web@sha256:ab12",
      "bundle",
      "exec",
      "sidekiq",
      "-q",
      "it's",
    ]);
  });
});

describe("other container commands", () => {
  it.each([
    ["containerName", containerName("shop", "web", "3f9c2ab"), "shop-web-3f9c2ab"],
    ["envFilePath", envFilePath("shop", "web", "3f9c2ab"), "/etc/slipway/env/shop-web-3f9c2ab.env"],
  ])("%s", (_, actual, expected) => {
    expect(actual).toBe(expected);
  });

  it.each([
    ["stopRelease", stopRelease("shop-web-1", 30), ["docker", "stop", "--time", "30", "shop-web-1"]],
    ["removeContainer", removeContainer("shop-web-1"), ["docker", "rm", "--force", "shop-web-1"]],
  ])("%s", (_, argv, expected) => {
    expect(argv).toEqual(expected);
  });

  it("runs the proxy on the host network, resuming its last config", () => {
    // biome-ignore format: one flag and its value per line
    expect(runProxy("caddy:2.8")).toEqual([
      "docker", "run", "--detach",
      "--name", "slipway-proxy",
      "--network", "host",
      "--restart", "unless-stopped",
      "--volume", "slipway-caddy-data:/data",
      "--volume", "slipway-caddy-config:/config",
      "--volume", "/etc/slipway/proxy:/etc/slipway/proxy:ro",
      "--log-opt", "max-size=10m",
      "--log-opt", "max-file=3",
      "caddy:2.8",
      "caddy", "run", "--resume",
    ]);
  });
});

describe("listReleases", () => {
  it("passes stack, service and port as arguments, never inside the script", () => {
    const argv = listReleases("shop", "it's", 8080);
    expect(argv.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(argv.slice(3)).toEqual(["list-releases", "shop", "it's", "8080"]);
    expect(argv[2]).not.toContain("it's");
  });

  it("asks for port 0 for a worker", () => {
    expect(listReleases("shop", "worker", undefined).at(-1)).toBe("0");
  });

  it("prints one tab-separated line per container with a fake docker", () => {
    const fakeDocker = [
      'case "$1" in',
      '  ps) echo "$*" >&2; printf "shop-web-a\\nshop-web-b\\n" ;;',
      '  port) [ "$2" = shop-web-a ] && echo "127.0.0.1:32768" ;;',
      '  inspect) printf "{\\"dev.slipway.release\\":\\"%s\\"}\\ttrue\\t2024-01-01\\n" "$4" ;;',
      "esac",
    ].join("\n");
    const [, , script, ...args] = listReleases("shop", "web", 8080);
    const run = spawnSync("sh", ["-c", `docker() { ${fakeDocker}\n}\n${script}`, ...args], {
      encoding: "utf8",
    });
    expect(run.stderr).toBe(
      "ps --all --filter label=dev.slipway.stack=shop --filter label=dev.slipway.service=web --format {{.Names}}\n",
    );
    expect(run.stdout).toBe(
      [
        'shop-web-a\t127.0.0.1:32768\t{"dev.slipway.release":"shop-web-a"}\ttrue\t2024-01-01',
        'shop-web-b\t\t{"dev.slipway.release":"shop-web-b"}\ttrue\t2024-01-01',
        "",
      ].join("\n"),
    );
  });
});

describe("host ports", () => {
  it("seeds the search from the container name, inside the release port range", () => {
    const seeds = ["shop-web-r1", "shop-web-r2", "shop-api-r1", ""].map(hostPortSeed);
    expect(hostPortSeed("shop-web-r1")).toBe(seeds[0]);
    expect(new Set(seeds).size).toBe(4);
    for (const seed of seeds) {
      expect(seed).toBeGreaterThanOrEqual(HOST_PORTS.first);
      expect(seed).toBeLessThanOrEqual(HOST_PORTS.last);
    }
  });

  /** Runs pickHostPort with fake ss (listening ports) and docker (ports reserved by containers). */
  function pick(seed: number, listening: string[], reserved: string[]) {
    const bin = mkdtempSync(join(tmpdir(), "slipway-ports-"));
    const tool = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    tool("ss", listening.map((a) => `echo "LISTEN 0 4096 ${a} 0.0.0.0:*"`).join("\n") || "true");
    tool(
      "docker",
      `case "$1" in ps) echo c1; echo c2 ;; inspect) ${reserved.map((p) => `printf '${p} '`).join("; ") || "true"}; echo ;; esac`,
    );
    const [cmd, ...args] = pickHostPort(seed);
    return spawnSync(cmd!, args, {
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
  }

  it.each([
    ["the seed when it is free", 20005, [], [], "20005"],
    ["the next port not listened on", 20005, ["127.0.0.1:20005", "[::]:20006"], [], "20007"],
    ["the next port no container has reserved", 20005, [], ["20005", "20006"], "20007"],
    ["past both kinds of use", 20005, ["127.0.0.1:20006"], ["20005", "20007"], "20008"],
    ["the start of the range after its end", 29999, ["127.0.0.1:29999"], [], "20000"],
  ])("picks %s", (_, seed, listening, reserved, port) => {
    const run = pick(seed, listening, reserved);
    expect([run.status, run.stdout]).toEqual([0, `${port}\n`]);
  });
});
