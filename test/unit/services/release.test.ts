// service.release pure parts: parsing the host's release list, composition with hashed secrets, and diff.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  type HostRelease,
  parseReleases,
  servingRelease,
  slotOf,
} from "../../../src/services/host-releases.ts";
import { type ObservedRelease, type ReleaseInput, release } from "../../../src/services/release.ts";
import { composition, compositionChanges } from "../../../src/services/release-composition.ts";

const want: ReleaseInput = {
  server: "hetzner.server.web-1",
  user: "deploy",
  stack: "shop",
  service: "web",
  release: "r2",
  image: "nginx:1.27",
  port: 80,
  env: { MODE: "production", DATABASE_URL: "postgres://u:hunter2@db/shop" },
  secretKeys: ["DATABASE_URL"],
  domains: ["shop.example"],
  securityHeaders: true,
  healthcheck: { path: "/", interval: 1000, timeout: 1000, healthyThreshold: 1, deadline: 30000 },
  drain: 5000,
  keepReleases: 3,
  hooks: {},
};
const hash = (value: string) => `sha256:${createHash("sha256").update(value).digest("hex").slice(0, 16)}`;
const labels = (release: string, spec?: object, run?: object) =>
  JSON.stringify({
    "dev.slipway.release": release,
    ...(spec ? { "dev.slipway.spec": JSON.stringify(spec) } : {}),
    ...(run ? { "dev.slipway.run": JSON.stringify(run) } : {}),
  });

describe("parseReleases", () => {
  it("reads name, port, release, spec, how to run it, running and created, newest first", () => {
    const spec = { image: "nginx:1.26", port: 80, command: null, env: {} };
    const run = { image: "nginx:1.26", port: 80, envFile: "/etc/slipway/env/shop-web-r2.env" };
    const output = [
      `shop-web-r1\t\t${labels("r1")}\tfalse\t2024-05-01T10:00:00.000000001Z`,
      `shop-web-r2\t127.0.0.1:32768\t${labels("r2", spec, run)}\ttrue\t2024-05-02T09:00:00.5Z`,
      "",
    ].join("\n");
    expect(parseReleases(output)).toEqual<HostRelease[]>([
      {
        name: "shop-web-r2",
        release: "r2",
        running: true,
        created: "2024-05-02T09:00:00.5Z",
        hostPort: "127.0.0.1:32768",
        spec,
        run,
        specLabel: JSON.stringify(spec),
      },
      {
        name: "shop-web-r1",
        release: "r1",
        running: false,
        created: "2024-05-01T10:00:00.000000001Z",
        hostPort: null,
        spec: null,
        run: null,
        specLabel: null,
      },
    ]);
  });

  it.each([
    ["no output", ""],
    ["blank lines", "\n  \n"],
  ])("returns nothing for %s", (_, output) => {
    expect(parseReleases(output)).toEqual([]);
  });

  it("treats a container without labels (docker prints null) as an unknown release", () => {
    expect(parseReleases("old\t\tnull\ttrue\t2024-01-01\n")).toMatchObject([
      { name: "old", release: "", spec: null, run: null },
    ]);
  });

  it("reads a label that is not JSON as missing rather than failing the whole list", () => {
    const broken = JSON.stringify({ "dev.slipway.release": "r1", "dev.slipway.spec": "{oops" });
    expect(parseReleases(`a\t\t${broken}\tfalse\t2024-01-01\n`)).toMatchObject([
      { release: "r1", spec: null },
    ]);
  });
});

describe("servingRelease and slotOf", () => {
  const r = (name: string, running: boolean, hostPort: string | null): HostRelease => ({
    name,
    release: name,
    running,
    created: "",
    hostPort,
    spec: null,
    run: null,
    specLabel: null,
  });

  it("serves the newest running release", () => {
    expect(servingRelease([r("a", false, null), r("b", true, null), r("c", true, null)])?.name).toBe("b");
    expect(servingRelease([r("a", false, null)])).toBeUndefined();
  });

  it.each([
    ["127.0.0.1:20417", 20417],
    [null, null],
  ])("reads the slot port of %s", (hostPort, slot) => {
    expect(slotOf(r("a", true, hostPort))).toBe(slot);
  });
});

describe("composition", () => {
  it("keeps plain env values and replaces secret ones with a short hash", () => {
    expect(composition(want)).toEqual({
      image: "nginx:1.27",
      port: 80,
      command: null,
      env: { MODE: "production", DATABASE_URL: hash("postgres://u:hunter2@db/shop") },
      secretKeys: ["DATABASE_URL"],
    });
  });

  it("never contains a secret value in clear", () => {
    expect(JSON.stringify(composition(want))).not.toContain("hunter2");
  });

  it("records a worker's missing port and a command as null and the argv", () => {
    const { port: _, ...worker } = want;
    expect(composition({ ...worker, command: ["sidekiq"] })).toMatchObject({
      port: null,
      command: ["sidekiq"],
    });
  });
});

describe("compositionChanges", () => {
  const serving = composition(want);

  it("finds nothing when the release is made of the same things", () => {
    expect(compositionChanges(serving, want)).toEqual([]);
  });

  it("names image, port, command and each env key added, removed or changed, sorted", () => {
    const next = {
      ...want,
      image: "nginx:1.28",
      port: 8080,
      command: ["nginx", "-g", "daemon off;"],
      env: { MODE: "staging", DATABASE_URL: "postgres://u:hunter3@db/shop", NEW: "1" },
    };
    const changes = compositionChanges({ ...serving, env: { ...serving.env, OLD: "x" } }, next);
    expect(changes.map((c) => [c.path, c.from, c.to, c.sensitive ?? false])).toEqual([
      ["image", "nginx:1.27", "nginx:1.28", false],
      ["port", 80, 8080, false],
      ["command", null, ["nginx", "-g", "daemon off;"], false],
      ["env.DATABASE_URL", hash("postgres://u:hunter2@db/shop"), hash("postgres://u:hunter3@db/shop"), true],
      ["env.MODE", "production", "staging", false],
      ["env.NEW", undefined, "1", false],
      ["env.OLD", "x", undefined, false],
    ]);
    expect(changes.every((c) => !c.forcesReplace)).toBe(true);
    expect(JSON.stringify(changes)).not.toMatch(/hunter/);
  });

  it("keeps a secret masked when it is removed or turned into a plain value", () => {
    const { DATABASE_URL: _, ...plainEnv } = want.env;
    const removed = compositionChanges(serving, { ...want, env: plainEnv, secretKeys: [] });
    expect(removed).toEqual([expect.objectContaining({ path: "env.DATABASE_URL", sensitive: true })]);
    const unmarked = compositionChanges(serving, { ...want, secretKeys: [] });
    expect(unmarked).toEqual([expect.objectContaining({ path: "env.DATABASE_URL", sensitive: true })]);
  });
});

describe("release.diff", () => {
  const route = {
    "@id": "slipway-shop-web",
    match: [{ host: ["shop.example"] }],
    handle: [
      {
        handler: "headers",
        response: {
          set: {
            "Strict-Transport-Security": ["max-age=31536000; includeSubDomains"],
            "X-Content-Type-Options": ["nosniff"],
            "Referrer-Policy": ["strict-origin-when-cross-origin"],
            "Content-Security-Policy": ["frame-ancestors 'self'"],
          },
        },
      },
      {
        handler: "reverse_proxy",
        upstreams: [{ dial: "(slot)" }, { dial: "(slot)" }],
        load_balancing: {
          selection_policy: { policy: "round_robin" },
          try_duration: "10s",
          try_interval: "50ms",
        },
        health_checks: { active: { uri: "/", interval: "200ms", timeout: "1000ms", expect_status: 2 } },
      },
    ],
    terminal: true,
  };
  const have = (release: string | null, overrides: Partial<ObservedRelease> = {}): ObservedRelease => ({
    server: want.server,
    user: "deploy",
    stack: "shop",
    service: "web",
    release,
    route,
    releases: [
      {
        name: "shop-web-r1",
        release: "r1",
        running: true,
        created: "2024-05-01",
        hostPort: "127.0.0.1:32768",
        spec: { ...composition(want), image: "nginx:1.26" },
        run: null,
        specLabel: null,
      },
    ],
    ...overrides,
  });

  it("is in sync when the wanted release serves behind the wanted route", () => {
    expect(release.diff(want, have("r2"))).toEqual([]);
  });

  it("names the new release and what it changes, from the serving release's label", () => {
    expect(release.diff(want, have("r1")).map((c) => [c.path, c.from, c.to])).toEqual([
      ["release", "r1", "r2"],
      ["image", "nginx:1.26", "nginx:1.27"],
    ]);
  });

  it("names only the release when the serving one has no spec label", () => {
    const old = have("r1");
    const releases = old.releases.map((r) => ({ ...r, spec: null }));
    expect(release.diff(want, { ...old, releases }).map((c) => c.path)).toEqual(["release"]);
  });

  it("reports the serving release's slot left closed by a killed switch", () => {
    const changes = release.diff(want, have("r2", { closedSlots: [32768] }));
    expect(changes.map((c) => [c.path, c.from, c.to])).toEqual([["slot", "closed", "open"]]);
  });

  it("ignores a closed slot that no running release holds", () => {
    expect(release.diff(want, have("r2", { closedSlots: [32769] }))).toEqual([]);
  });

  it("reports two releases left running by a killed switch", () => {
    const old = have("r2");
    const second = { ...old.releases[0]!, name: "shop-web-r0", release: "r0", created: "2024-04-01" };
    const changes = release.diff(want, { ...old, releases: [...old.releases, second] });
    expect(changes.map((c) => [c.path, c.from, c.to])).toEqual([["running releases", 2, 1]]);
  });

  it("reports a route that differs, such as security headers switched off", () => {
    const changes = release.diff({ ...want, securityHeaders: false }, have("r2"));
    expect(changes.map((c) => c.path)).toEqual(["route"]);
    expect(changes[0]?.from).toEqual(route);
  });

  it.each([
    ["a worker without a port", { port: undefined }],
    ["a service without domains", { domains: [] }],
  ])("wants no route for %s", (_, overrides) => {
    expect(release.diff({ ...want, ...overrides }, have("r2"))).toMatchObject([{ path: "route", to: null }]);
  });
});

describe("release.describe", () => {
  it("shows secret env values as (sensitive)", () => {
    expect(release.describe?.(want)).toEqual({
      server: "hetzner.server.web-1",
      release: "r2",
      image: "nginx:1.27",
      port: 80,
      domains: ["shop.example"],
      env: { MODE: "production", DATABASE_URL: "(sensitive)" },
    });
  });

  it("says an image is built from its context", () => {
    const built = { ...want, build: { context: "./app", dockerfile: "Dockerfile", args: {} } };
    expect(release.describe?.(built).image).toBe("nginx:1.27 (built from ./app)");
  });

  it("identifies a release by server and service", () => {
    expect(release.id(emptyObserved())).toBe("hetzner.server.web-1/web");
  });
});

function emptyObserved(): ObservedRelease {
  return {
    server: want.server,
    user: "deploy",
    stack: "shop",
    service: "web",
    release: null,
    route: null,
    releases: [],
  };
}
