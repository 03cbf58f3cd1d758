// Plans as users read them (Terraform notation, exact text) and as --json, with sensitive values masked.
import { beforeAll, describe, expect, it } from "vitest";
import { setColor } from "../../../src/cli/output.ts";
import { planJson, renderPlan, summarize } from "../../../src/cli/render-plan.ts";
import type { Action, Plan, PlannedStep } from "../../../src/engine/plan.ts";
import type { AnyKind, Change } from "../../../src/engine/resource.ts";

beforeAll(() => setColor(false));

const kind = (name: string, describe?: AnyKind["describe"]) =>
  ({ kind: name, describe }) as unknown as AnyKind;
const serverKind = kind("hetzner.server", (want: { name: string; serverType: string }) => ({
  name: want.name,
  serverType: want.serverType,
}));

function step(address: string, action: Action, extra: Partial<PlannedStep> = {}): PlannedStep {
  return {
    address,
    kind: kind(address.split(".").slice(0, 2).join(".")),
    action,
    changes: [],
    want: null,
    have: null,
    dependsOn: [],
    ...extra,
  };
}
const c = (path: string, from: unknown, to: unknown, extra: Partial<Change> = {}): Change => ({
  path,
  from,
  to,
  forcesReplace: false,
  ...extra,
});

const plan: Plan = {
  steps: [
    step("hetzner.sshKey.deploy", "noop"),
    step("hetzner.server.web-1", "create", {
      kind: serverKind,
      want: { name: "shop-web-1", serverType: "cx22", userData: "#cloud-config…" },
    }),
    step("service.release.web", "update", {
      changes: [
        c("release", "r1", "r2"),
        c("env.DATABASE_URL", "sha256:aaaa", "sha256:bbbb", { sensitive: true }),
      ],
    }),
    step("hetzner.server.db", "replace", {
      changes: [c("image", "debian-11", "debian-12", { forcesReplace: true })],
    }),
    step("host.docker.db", "create", {
      want: { server: "hetzner.server.db" },
      reason: "its server is replaced",
    }),
    step("hetzner.sshKey.old", "delete"),
    step("host.docker.old", "delete", { goesWithHost: true }),
  ],
};

describe("renderPlan", () => {
  it("prints every pending step in Terraform notation and the totals", () => {
    expect(renderPlan(plan)).toBe(
      [
        "slipway will perform the following actions:",
        "",
        "  + hetzner.server.web-1",
        '      name       = "shop-web-1"',
        '      serverType = "cx22"',
        "",
        "  ~ service.release.web",
        '      release          = "r1" → "r2"',
        "      env.DATABASE_URL = (sensitive) → (sensitive)",
        "",
        "  -/+ hetzner.server.db",
        '      image = "debian-11" → "debian-12" (forces replacement)',
        "",
        "  + host.docker.db (its server is replaced)",
        '      server = "hetzner.server.db"',
        "",
        "  - hetzner.sshKey.old",
        "",
        "  - host.docker.old (goes with its server)",
        "",
        "Plan: 3 to add, 1 to change, 3 to destroy.",
      ].join("\n"),
    );
  });

  it("says so when nothing changes", () => {
    expect(renderPlan({ steps: [step("a.b.c", "noop")] })).toBe(
      "No changes. The stack matches its configuration.",
    );
  });

  it("never prints a sensitive value, only (sensitive)", () => {
    const secret = step("service.release.api", "update", {
      changes: [c("env.TOKEN", "hunter2", "correct horse", { sensitive: true })],
    });
    const text = renderPlan({ steps: [secret] });
    expect(text).toContain("env.TOKEN = (sensitive) → (sensitive)");
    expect(text).not.toMatch(/hunter2|correct horse/);
  });

  it.each([
    ["an absent value as (none)", c("port", undefined, 8080), "      port = (none) → 8080"],
    ["null as null", c("release", null, "r1"), '      release = null → "r1"'],
    [
      "a long value cut at 100 characters",
      c("labels", {}, { note: "x".repeat(200) }),
      `      labels = {} → {"note":"${"x".repeat(88)}...`,
    ],
  ])("shows %s", (_, change, line) => {
    expect(renderPlan({ steps: [step("a.b.c", "update", { changes: [change] })] }).split("\n")).toContain(
      line,
    );
  });

  it("shows every input of a created resource whose kind does not describe it", () => {
    const text = renderPlan({ steps: [step("x.y.z", "create", { want: { size: 2, zone: "fsn1" } })] });
    expect(text.split("\n").slice(2, 5)).toEqual(["  + x.y.z", "      size = 2", '      zone = "fsn1"']);
  });
});

describe("summarize", () => {
  it("counts a replace as one add and one destroy, and ignores noops", () => {
    expect(summarize(plan)).toEqual({ add: 3, change: 1, destroy: 3 });
    expect(summarize({ steps: [] })).toEqual({ add: 0, change: 0, destroy: 0 });
  });
});

describe("planJson", () => {
  const json = planJson(plan);

  it("has a format version, the summary and one entry per step, noops included", () => {
    expect(json.format_version).toBe(1);
    expect(json.summary).toEqual({ add: 3, change: 1, destroy: 3 });
    expect(json.resource_changes.map((r) => [r.address, r.kind, r.action, r.reason])).toEqual([
      ["hetzner.sshKey.deploy", "hetzner.sshKey", "noop", null],
      ["hetzner.server.web-1", "hetzner.server", "create", null],
      ["service.release.web", "service.release", "update", null],
      ["hetzner.server.db", "hetzner.server", "replace", null],
      ["host.docker.db", "host.docker", "create", "its server is replaced"],
      ["hetzner.sshKey.old", "hetzner.sshKey", "delete", null],
      ["host.docker.old", "host.docker", "delete", "goes with its server"],
    ]);
  });

  it("lists changes with forces_replace and masks sensitive values", () => {
    expect(json.resource_changes[2]?.changes).toEqual([
      { path: "release", from: "r1", to: "r2", forces_replace: false },
      { path: "env.DATABASE_URL", from: "(sensitive)", to: "(sensitive)", forces_replace: false },
    ]);
    expect(json.resource_changes[3]?.changes).toEqual([
      { path: "image", from: "debian-11", to: "debian-12", forces_replace: true },
    ]);
    expect(JSON.stringify(json)).not.toContain("sha256:aaaa");
  });

  it("gives `after` for creates only, as the kind describes it, and null for absent values", () => {
    expect(json.resource_changes.map((r) => r.after)).toEqual([
      null,
      { name: "shop-web-1", serverType: "cx22" },
      null,
      null,
      { server: "hetzner.server.db" },
      null,
      null,
    ]);
    const added = planJson({ steps: [step("a.b.c", "update", { changes: [c("port", undefined, 80)] })] });
    expect(added.resource_changes[0]?.changes[0]).toMatchObject({ from: null, to: 80 });
  });

  it("is plain JSON", () => {
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe("renderPlan with adopted objects", () => {
  it("lists objects found by name that up will record, with or without other changes", () => {
    const adopted = step("hetzner.server.web", "noop", {
      adopted: true,
      reason: "found by name and adopted",
    });
    expect(renderPlan({ steps: [adopted] })).toBe(
      [
        "No changes. The stack matches its configuration.",
        "",
        "Found 1 existing object(s) that state did not record; up records them without changing them:",
        "  = hetzner.server.web",
      ].join("\n"),
    );
    const withChange = renderPlan({ steps: [adopted, step("hetzner.sshKey.deploy", "delete")] });
    expect(withChange).toMatch(/Plan: 0 to add, 0 to change, 1 to destroy\.\n\nFound 1 existing object/);
  });
});
