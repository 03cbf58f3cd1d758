// docker argv for releases and the proxy: exact flags, loopback-only ports, labels, and the release listing.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  containerAddress,
  containerName,
  ensureNetwork,
  envFilePath,
  listReleases,
  type ReleaseSpec,
  removeContainer,
  runHook,
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
  network: "slipway-shop",
  spec: '{"image":"ghcr.io/acme/web@sha256:ab12"}',
};

describe("runRelease", () => {
  it("runs a named, labelled container with an init, publishing the app port on its loopback port only", () => {
    // biome-ignore format: one flag and its value per line
    expect(runRelease(web)).toEqual([
      "docker", "run", "--detach",
      "--init",
      "--name", "shop-web-3f9c2ab",
      "--network", "slipway-shop",
      "--restart", "unless-stopped",
      "--publish", "127.0.0.1:20417:8080",
      "--env-file", "/etc/slipway/env/shop-web-3f9c2ab.env",
      "--label", "dev.slipway.stack=shop",
      "--label", "dev.slipway.service=web",
      "--label", "dev.slipway.release=3f9c2ab",
      "--label", 'dev.slipway.spec={"image":"ghcr.io/acme/web@sha256:ab12"}',
      "--label", 'dev.slipway.run={"image":"ghcr.io/acme/web@sha256:ab12","port":8080,"envFile":"/etc/slipway/env/shop-web-3f9c2ab.env"}',
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

  it("inspects every container in one docker call, for the service's port, names without their slash", () => {
    const fakeDocker = [
      'echo "$*" >&2',
      'case "$1" in',
      '  ps) printf "id-a\\nid-b\\n" ;;',
      '  inspect) printf "/shop-web-a\\t%s\\n/shop-web-b\\t\\n" "$3" ;;',
      "esac",
    ].join("\n");
    const [, , script, ...args] = listReleases("shop", "web", 8080);
    const run = spawnSync("sh", ["-c", `docker() { ${fakeDocker}\n}\n${script}`, ...args], {
      encoding: "utf8",
    });
    const calls = run.stderr.trim().split("\n");
    expect(calls[0]).toBe(
      "ps --all --quiet --filter label=dev.slipway.stack=shop --filter label=dev.slipway.service=web",
    );
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatch(/^inspect --format .* id-a id-b$/);
    expect(calls[1]).toContain('index .NetworkSettings.Ports "8080/tcp"');
    expect(run.stdout.split("\n")[0]).toMatch(/^shop-web-a\t/);
    expect(run.stdout.split("\n")[1]).toBe("shop-web-b\t");
  });

  it("prints nothing, and calls no inspect, when the service has no container", () => {
    const [, , script, ...args] = listReleases("shop", "web", 8080);
    const run = spawnSync("sh", ["-c", `docker() { echo "$1" >&2; }\n${script}`, ...args], {
      encoding: "utf8",
    });
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("ps\n");
    expect(run.status).toBe(0);
  });
});

describe("hooks, addresses and the network", () => {
  it("creates the network once when two start at the same moment", async () => {
    const bin = mkdtempSync(join(tmpdir(), "slipway-net-race-"));
    // A slow create that leaves a marker, which inspect reports as "exists".
    writeFileSync(
      join(bin, "docker"),
      `#!/bin/sh\ncase "$2" in inspect) [ -e ${bin}/made ] ;; create) sleep 0.3; echo made >> ${bin}/made ;; esac\n`,
    );
    chmodSync(join(bin, "docker"), 0o755);
    const [cmd, ...args] = ensureNetwork("slipway-shop");
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const start = () =>
      new Promise<void>((resolve) => spawn(cmd!, args, { env }).on("exit", () => resolve()));
    await Promise.all([start(), start()]);
    expect(spawnSync("cat", [join(bin, "made")], { encoding: "utf8" }).stdout).toBe("made\n");
  });

  it("runs a hook in a one-off container of the release's image, env and network, as its user", () => {
    // biome-ignore format: one flag and its value per line
    expect(runHook({ ...web, runAs: "app" }, ["npm", "run", "migrate"])).toEqual([
      "docker", "run", "--rm", "--init",
      "--network", "slipway-shop",
      "--env-file", "/etc/slipway/env/shop-web-3f9c2ab.env",
      "--label", "dev.slipway.stack=shop",
      "--user", "app",
      "ghcr.io/acme/web@sha256:ab12",
      "npm", "run", "migrate",
    ]);
  });

  it("reads a container's address on the stack network", () => {
    expect(containerAddress("shop-web-r1", "slipway-shop")).toEqual([
      "docker",
      "inspect",
      "--format",
      '{{(index .NetworkSettings.Networks "slipway-shop").IPAddress}}',
      "shop-web-r1",
    ]);
  });

  it("creates the stack network only when it is missing", () => {
    const [cmd, ...args] = ensureNetwork("slipway-shop");
    const bin = mkdtempSync(join(tmpdir(), "slipway-net-"));
    writeFileSync(
      join(bin, "docker"),
      `#!/bin/sh\necho "$@" >> ${bin}/calls\n[ "$2" = inspect ] && exit ${"$"}{EXISTS:-1}\nexit 0\n`,
    );
    chmodSync(join(bin, "docker"), 0o755);
    for (const exists of ["0", "1"]) {
      spawnSync(cmd!, args, { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, EXISTS: exists } });
    }
    expect(spawnSync("cat", [join(bin, "calls")], { encoding: "utf8" }).stdout).toBe(
      "network inspect slipway-shop\nnetwork inspect slipway-shop\nnetwork create slipway-shop\n",
    );
  });
});
