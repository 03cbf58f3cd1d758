/**
 * Fuzzing the front door: over ten thousand malformed stacks, made by breaking the example stacks in
 * every way a person can (a wrong type, a missing or misspelt key, an unknown key, a value out of
 * range, a list where an object goes, and values no stack should hold: functions, symbols, BigInts,
 * Maps, cycles), go through `slipway validate` and `slipway plan` in-process. Every one must end in
 * exit code 2 with a message naming the path of each problem and the file, never a stack trace or
 * "slipway hit a bug". A few hundred syntactically broken files go through the loader as well.
 *
 * The stack file under test is fixed and exports whatever the test put on globalThis, so each case
 * costs one evaluation, not one transpile.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { createJiti } from "jiti";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/main.ts";
import { loadStack, parseStack, StackConfigError } from "../../../src/config/index.ts";

const REPO = join(import.meta.dirname, "../../..");
const EXAMPLES = ["hello", "mau", "tux", "isntgram", "mandari"];
const GLOBAL = "__slipwayFuzzStack";
const dir = mkdtempSync(join(tmpdir(), "slipway-fuzz-"));
const file = join(dir, "slipway.config.ts");
writeFileSync(
  file,
  `import { defineStack } from "slipway";\nexport default defineStack((globalThis as any).${GLOBAL});\n`,
);

const KEY = String.raw`\["(?:[^"\\]|\\.)*"\]`;
const PATH = new RegExp(
  String.raw`^(?:[A-Za-z_$][\w$-]*|\[\d+\]|${KEY})(?:\.[A-Za-z_$][\w$-]*|\[\d+\]|${KEY})*$`,
);

let bases: Record<string, unknown>[] = [];

beforeAll(async () => {
  const jiti = createJiti(import.meta.url, { alias: { slipway: join(REPO, "src/index.ts") } });
  bases = await Promise.all(
    EXAMPLES.map((name) =>
      jiti.import<Record<string, unknown>>(join(REPO, "examples", name, "slipway.config.ts"), {
        default: true,
      }),
    ),
  );
});

afterAll(() => {
  delete (globalThis as Record<string, unknown>)[GLOBAL];
});

type Path = (string | number)[];

/** Every path into `value` (objects and arrays, to depth 8). */
function pathsOf(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (at.length >= 8 || value === null || typeof value !== "object") return out;
  for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, Array.isArray(value) ? Number(k) : k], out);
  return out;
}

/** A copy of `root` with `edit` applied to the container of `path` (plain objects and arrays are copied). */
function edited(
  root: unknown,
  path: Path,
  edit: (parent: Record<string | number, unknown>, key: string | number) => void,
): unknown {
  const copy = (v: unknown): unknown =>
    Array.isArray(v) ? [...v] : v && typeof v === "object" ? { ...v } : v;
  const top = copy(root) as Record<string | number, unknown>;
  let parent = top;
  for (const key of path.slice(0, -1)) {
    parent[key] = copy(parent[key]);
    parent = parent[key] as Record<string | number, unknown>;
  }
  edit(parent, path.at(-1)!);
  return top;
}

const cyclic = () => {
  const o: Record<string, unknown> = { name: "loop" };
  o.self = o;
  return o;
};

/** Values people put where they do not belong, and values no config should hold. */
const strange = fc.oneof(
  fc.anything({
    maxDepth: 2,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
  }),
  fc.constantFrom<unknown>(
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "../../etc/passwd",
    "a".repeat(5000),
    "ünïcödé ☃",
    "$(reboot)",
    "1.5GB",
    "10 min",
    -1,
    0,
    1.5,
    2 ** 53,
    -(2 ** 31),
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    null,
    undefined,
    [],
    {},
    [[]],
    { "": 1 },
    () => "fn",
    Symbol("s"),
    10n,
    new Date(Number.NaN),
    /regex/,
    new Map([["a", 1]]),
    Object.create(null),
    new (class Custom {})(),
    new Error("boom"),
  ),
  fc.constant(null).map(cyclic),
);

const identifier = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/);

/** One way of breaking a stack at one of its paths. */
const mutation = fc.oneof(
  { weight: 5, arbitrary: strange.map((v) => ({ op: "replace" as const, value: v })) },
  { weight: 2, arbitrary: fc.constant({ op: "delete" as const }) },
  {
    weight: 2,
    arbitrary: fc.tuple(identifier, strange).map(([key, value]) => ({ op: "add" as const, key, value })),
  },
  { weight: 2, arbitrary: fc.nat(5).map((at) => ({ op: "typo" as const, at })) },
  { weight: 1, arbitrary: fc.constant({ op: "wrap" as const }) },
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function apply(base: unknown, path: Path, m: Mutation): unknown {
  if (path.length === 0) {
    if (m.op === "replace") return m.value;
    if (m.op === "wrap") return [base];
  }
  if (path.length === 0) {
    return m.op === "add" && base && typeof base === "object" ? { ...base, [m.key]: m.value } : base;
  }
  return edited(base, path, (target, key) => {
    switch (m.op) {
      case "replace":
        target[key] = m.value;
        break;
      case "delete":
        if (Array.isArray(target)) target.splice(Number(key), 1);
        else delete target[key];
        break;
      case "add": {
        const inner = target[key];
        target[key] =
          inner && typeof inner === "object" && !Array.isArray(inner)
            ? { ...inner, [m.key]: m.value }
            : { [m.key]: m.value };
        break;
      }
      case "typo": {
        if (Array.isArray(target) || typeof key !== "string") {
          target[key] = typeof target[key] === "string" ? `${target[key]}x` : "x";
          break;
        }
        const at = Math.min(m.at, Math.max(0, key.length - 1));
        const misspelt = `${key.slice(0, at)}${key.slice(at + 1)}${key[at] ?? "x"}`;
        const value = target[key];
        delete target[key];
        target[misspelt === key ? `${key}_` : misspelt] = value;
        break;
      }
      case "wrap":
        target[key] = [target[key]];
        break;
    }
  });
}

/** A malformed stack: a broken example, or null when the mutation happened to leave it valid. */
const malformed = fc
  .tuple(fc.nat(EXAMPLES.length - 1), fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([which, pick, mutations]) => {
    let stack: unknown = bases[which];
    for (const m of mutations) {
      const paths = pathsOf(stack);
      stack = apply(stack, paths[pick % paths.length]!, m);
    }
    return stack;
  });

/** True when parseStack accepts `stack`; anything but a StackConfigError is the bug this test looks for. */
function isValid(stack: unknown): boolean {
  try {
    parseStack(stack, "slipway.config.ts");
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(StackConfigError);
    return false;
  }
}

/** The CLI in this process, stdout and stderr captured (one spy for the whole run: thousands of calls). */
function capturedCli() {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  return async (argv: string[]) => {
    stdout = "";
    stderr = "";
    const code = await main(argv);
    return { code, stdout, stderr };
  };
}

const PATH_PREFIX = new RegExp(`^(?:${PATH.source.slice(1, -1)}): `);

describe("malformed stacks", () => {
  it("every one of 10,000 gets exit 2 and a message naming each problem's path and the file, never a stack trace", async () => {
    const cli = capturedCli();
    let checked = 0;
    try {
      await fc.assert(
        fc.asyncProperty(malformed, fc.nat(4), async (stack, route) => {
          // One in five goes through `plan` (checked invalid first: a valid stack would go on to the cloud).
          const viaPlan = route === 0;
          if (viaPlan) fc.pre(!isValid(stack));
          (globalThis as Record<string, unknown>)[GLOBAL] = stack;
          const result = await cli([viaPlan ? "plan" : "validate", "-c", file, "--no-color"]);
          fc.pre(viaPlan || result.code !== 0);
          expect(result.code, result.stderr).toBe(2);
          expect(result.stderr).toMatch(/^Error: /);
          expect(result.stderr).not.toMatch(/slipway hit a bug|^\s+at /m);
          const proto =
            stack !== null && typeof stack === "object" ? Object.getPrototypeOf(stack) : undefined;
          const whole = proto !== Object.prototype && proto !== null; // not an object literal at all
          const lines = result.stderr
            .replace(/^Error: /, "")
            .trimEnd()
            .split("\n");
          for (const line of lines) {
            expect(line.endsWith(`(${file})`), `names the file: ${line}`).toBe(true);
            expect(whole || PATH_PREFIX.test(line), `names a path: ${line}`).toBe(true);
            expect(line).not.toMatch(/: (?:Invalid input|Unrecognized key|Invalid)\b|\[object Object\]/);
          }
          checked++;
        }),
        { numRuns: 10_000, maxSkipsPerRun: 2 },
      );
    } finally {
      vi.restoreAllMocks();
    }
    expect(checked).toBeGreaterThanOrEqual(10_000);
  }, 300_000);

  it("files that do not even parse are reported with the file and line, never a stack trace", async () => {
    const sources = EXAMPLES.map((name) =>
      readFileSync(join(REPO, "examples", name, "slipway.config.ts"), "utf8"),
    );
    const broken = fc
      .tuple(
        fc.nat(sources.length - 1),
        fc.nat(),
        fc.constantFrom(
          "",
          "{",
          "}",
          ")",
          "(",
          "`",
          '"',
          ",,",
          "=>",
          "export",
          "import x from 'nowhere-at-all';",
          "throw new Error('no');",
        ),
      )
      .map(([which, at, insert]) => {
        const source = sources[which]!;
        const cut = at % source.length;
        return `${source.slice(0, cut)}${insert}${source.slice(cut + (insert === "" ? Math.floor(source.length / 3) : 0))}`;
      });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(broken, async (source) => {
        const path = join(dir, `broken-${n++}.slipway.config.ts`);
        writeFileSync(path, source);
        const error = await loadStack(path).then(
          () => null,
          (e: unknown) => e,
        );
        fc.pre(error !== null);
        expect(error).toBeInstanceOf(StackConfigError);
        const message = (error as StackConfigError).message;
        expect(message).not.toMatch(/^\s+at |node_modules|jiti/m);
        expect(message).toContain(`broken-${n - 1}.slipway.config.ts`);
      }),
      { numRuns: 150, maxSkipsPerRun: 5 },
    );
  }, 120_000);
});
