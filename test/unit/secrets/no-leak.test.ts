/**
 * No secret value anywhere it should not be: a stack's secrets (from the environment and from the
 * encrypted secrets file) and a generated host key go through plan, apply (with a failure whose
 * message quotes a secret), a rotation and a re-plan; then every state file, history version, the
 * secrets file and everything printed (plan text, plan JSON, progress, errors) is searched for each
 * value, raw and JSON-escaped. The kind used here forgets to mark its fields sensitive on purpose:
 * masking must not depend on every kind getting it right.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { err, json, out } from "../../../src/cli/output.ts";
import { planJson, renderPlan } from "../../../src/cli/render-plan.ts";
import { applySession } from "../../../src/cli/stack-run.ts";
import { secret } from "../../../src/config/secret.ts";
import { LocalStateBackend } from "../../../src/engine/local-state.ts";
import { planChanges } from "../../../src/engine/plan.ts";
import { change, type ResourceKind, type ResourceNode } from "../../../src/engine/resource.ts";
import { SealedStateBackend } from "../../../src/engine/sealed-state.ts";
import { UserError } from "../../../src/errors.ts";
import { printedSecrets } from "../../../src/secrets/redact.ts";
import { SecretResolver } from "../../../src/stack/secrets.ts";
import type { Session } from "../../../src/stack/session.ts";
import { openStackState, stackKeys } from "../../../src/stack/state-setup.ts";

const FROM_ENV = "tok_live_9f8e7d6c5b4a3210";
const FROM_FILE = 'p@ss "wörd" \\ with-quotes-Ω';
const ROTATED = "rotated-secret-value-5566";
const HOST_KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAexample\n-----END OPENSSH PRIVATE KEY-----";

interface Db {
  name: string;
  password: string;
  token: string;
}
interface ObservedDb extends Db {
  id: string;
  /** What a managed database returns: the password inside a connection string. */
  url: string;
}

/** A cloud that echoes secrets back, and a kind that does not mark anything sensitive. */
function dbKind(cloud: Map<string, ObservedDb>, failing: Set<string>): ResourceKind<Db, ObservedDb> {
  const make = (want: Db, id: string) => {
    if (failing.has(want.name))
      throw new Error(`create ${want.name}: password "${want.password}" rejected by policy`);
    const db = { ...want, id, url: `postgres://app:${want.password}@${want.name}.internal/app` };
    cloud.set(id, db);
    return db;
  };
  return {
    kind: "memory.db",
    id: (db) => db.id,
    read: async (_ctx, id) => cloud.get(id) ?? null,
    diff: (want, have) => [
      ...change("password", have.password, want.password),
      ...change("token", have.token, want.token),
    ],
    create: async (_ctx, want) => make(want, `db-${want.name}`),
    update: async (_ctx, have, want) => make(want, have.id),
    delete: async (_ctx, have) => {
      cloud.delete(have.id);
    },
  };
}

let dir: string;
let printed: string[];
const env = { API_TOKEN: FROM_ENV };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "slipway-leak-"));
  printed = [];
  const capture = (chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
});

afterEach(() => {
  vi.restoreAllMocks();
});

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function run(options: { failing?: Set<string>; cloud: Map<string, ObservedDb> }) {
  const keys = stackKeys(dir, env, { onKeyFileCreated: (path) => err(`created ${path}`) });
  const { state } = await openStackState({
    stackDir: dir,
    stackName: "shop",
    stackFile: "slipway.config.ts",
    keys,
  });
  const resolver = new SecretResolver(env, { file: keys.secretsFile, redactor: keys.redactor });
  const resolved = resolver.resolveEnv(
    { PASSWORD: secret("DB_PASSWORD"), TOKEN: secret("API_TOKEN") },
    "services.db.env",
  );
  resolver.check();
  const kind = dbKind(options.cloud, options.failing ?? new Set());
  const nodes: ResourceNode[] = ["main", "replica"].map((name) => ({
    address: `memory.db.${name}`,
    kind,
    name,
    input: { name, password: resolved.values.PASSWORD!, token: resolved.values.TOKEN! },
    dependsOn: [],
  }));
  const observed = new Map<string, unknown>();
  const plan = await planChanges({
    nodes,
    state: state.document,
    ctx: {},
    observed,
    kinds: new Map([[kind.kind, kind]]),
  });
  out(renderPlan(plan));
  json(planJson(plan));
  const session = {
    stack: { environment: "production" },
    state,
    ctx: {},
    observed,
    newHostKeys: new Map([
      ["memory.db.main", { privateKey: HOST_KEY, publicKey: "ssh-ed25519 AAAA public" }],
    ]),
  } as unknown as Session;
  try {
    await applySession(session, plan, { concurrency: 4 });
  } catch (error) {
    // What the CLI prints for a failed run.
    if (!(error instanceof UserError)) throw error;
    err(`Error: ${error.message}`);
    if (error.hint) err(error.hint);
  }
}

describe("secret values", () => {
  it("appear in no state file, history version, secrets file, plan, log or error", async () => {
    stackKeys(dir, env).secretsFile.set("DB_PASSWORD", FROM_FILE);
    const cloud = new Map<string, ObservedDb>();
    await run({ failing: new Set(["replica"]), cloud });
    stackKeys(dir, env).secretsFile.set("DB_PASSWORD", ROTATED);
    await run({ cloud }); // rotation: old and new value in one plan
    await run({ cloud }); // no-op plan after the rotation

    // The run really happened: the cloud holds the rotated secret, state knows both objects.
    expect(cloud.get("db-main")?.password).toBe(ROTATED);
    const state = JSON.parse(readFileSync(join(dir, ".slipway", "state.json"), "utf8"));
    expect(Object.keys(state.resources).sort()).toEqual(["memory.db.main", "memory.db.replica"]);
    expect(state.resources["memory.db.main"].outputs.url).toMatch(/^slipway:v1:/);
    expect(state.resources["memory.db.main"].outputs.name).toBe("main");
    expect(state.generated["memory.db.main"].hostKeyPrivate).toMatch(/^slipway:v1:/);
    const output = printed.join("");
    expect(output).toContain("memory.db.replica: create failed");
    expect(output).toContain("(sensitive)");
    expect(output).toContain("~ memory.db.main");

    const files = filesUnder(dir).filter((f) => !f.endsWith(join(".slipway", "key")));
    expect(files).toEqual(
      expect.arrayContaining([join(dir, ".slipway", "state.json"), join(dir, "slipway.secrets.json")]),
    );
    expect(files.filter((f) => f.includes(join(".slipway", "history"))).length).toBeGreaterThanOrEqual(2);
    const haystacks = [
      ...files.map((f) => [f, readFileSync(f, "utf8")] as const),
      ["printed output", output] as const,
    ];
    for (const value of [FROM_ENV, FROM_FILE, ROTATED, HOST_KEY]) {
      for (const form of [value, JSON.stringify(value).slice(1, -1)]) {
        for (const [where, text] of haystacks) {
          expect(text.includes(form), `${JSON.stringify(form)} found in ${where}`).toBe(false);
        }
      }
    }
  });

  it("read back from state decrypt to what was written", async () => {
    stackKeys(dir, env).secretsFile.set("DB_PASSWORD", FROM_FILE);
    const cloud = new Map<string, ObservedDb>();
    await run({ cloud });
    const keys = stackKeys(dir, env);
    const backend = new SealedStateBackend(
      new LocalStateBackend(join(dir, ".slipway")),
      keys.keyring,
      keys.redactor,
    );
    const doc = (await backend.read())!;
    expect((doc.resources["memory.db.main"]!.outputs as ObservedDb).url).toBe(
      `postgres://app:${FROM_FILE}@main.internal/app`,
    );
    expect(doc.generated["memory.db.main"]?.hostKeyPrivate).toBe(HOST_KEY);
    expect(printedSecrets.size).toBeGreaterThan(0);
  });
});
