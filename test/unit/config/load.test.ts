/**
 * loadStack on fixture files: a good file (also from outside the repository), and every way a file can
 * fail, each as a StackConfigError (exit code 2) whose message names the file and carries no stack trace.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadStack, StackConfigError } from "../../../src/config/index.ts";

const fixture = (name: string) =>
  join(import.meta.dirname, "../../fixtures/stacks", `${name}.slipway.config.ts`);
const shown = (name: string) => relative(process.cwd(), fixture(name));
const scratch = mkdtempSync(join(tmpdir(), "slipway-config-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function loadError(path: string): Promise<StackConfigError> {
  const error = await loadStack(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StackConfigError);
  const configError = error as StackConfigError;
  expect(configError.exitCode).toBe(2);
  expect(configError.message).not.toMatch(/^\s+at /m);
  expect(configError.message).not.toMatch(/node_modules|jiti/);
  return configError;
}

describe("loadStack", () => {
  it("loads a TypeScript stack file that imports slipway, with defaults applied", async () => {
    const loaded = await loadStack(fixture("minimal"));
    expect(loaded.file).toBe(fixture("minimal"));
    expect(loaded.dir).toBe(join(import.meta.dirname, "../../fixtures/stacks"));
    expect(loaded.stack.services.web).toMatchObject({
      env: { DATABASE_URL: { secret: "DATABASE_URL" } },
      healthcheck: { path: "/up", interval: 1000 },
    });
  });

  it("resolves `slipway` for a stack file anywhere on disk", async () => {
    const elsewhere = join(scratch, "slipway.config.ts");
    copyFileSync(fixture("minimal"), elsewhere);
    const loaded = await loadStack(elsewhere);
    expect(loaded.stack.name).toBe("fixture");
    expect(loaded.dir).toBe(scratch);
  });

  it("returns the merged stack of an environment", async () => {
    const loaded = await loadStack(fixture("environments"), { environment: "staging" });
    expect(loaded.stack).toMatchObject({
      name: "fixture-staging",
      servers: { web: { type: "cx22", count: 1 } },
    });
  });

  it("says where the missing file was looked for and how to make one", async () => {
    const missing = join(scratch, "nowhere", "slipway.config.ts");
    const error = await loadError(missing);
    expect(error.issues).toEqual([
      {
        path: "",
        message: `no stack file at ${missing}; create one with \`slipway init\` or pass -c <file>`,
      },
    ]);
    expect(error.message).toBe(error.issues[0]!.message);
  });

  it("refuses a directory", async () => {
    const error = await loadError(scratch);
    expect(error.message).toMatch(/is a directory; pass the stack file/);
  });

  it("names the file, line and column of a syntax error", async () => {
    const broken = join(scratch, "broken.slipway.config.ts");
    writeFileSync(
      broken,
      'import { defineStack } from "slipway";\n\nexport default defineStack({ name: "x" ;\n',
    );
    const error = await loadError(broken);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.message).toMatch(
      /^syntax error at .*broken\.slipway\.config\.ts:3:\d+: Unexpected token/,
    );
  });

  it("names the line of an error thrown while evaluating", async () => {
    const error = await loadError(fixture("throws"));
    expect(error.message).toBe(
      `failed while evaluating at ${shown("throws")}:4:34: SLIPWAY_FIXTURE_UNSET_VARIABLE is not set (${shown("throws")})`,
    );
  });

  it("names an import that cannot be resolved", async () => {
    const file = join(scratch, "bad-import.slipway.config.ts");
    writeFileSync(file, 'import { x } from "./nope.ts";\nexport default x;\n');
    const error = await loadError(file);
    expect(error.issues[0]!.message).toMatch(/^cannot import ".*nope\.ts"; check the import path/);
  });

  it("asks for a default export and names what was exported instead", async () => {
    const error = await loadError(fixture("no-default-export"));
    expect(error.message).toBe(
      `has no default export (found "stack"); write export default defineStack({ … }) (${shown("no-default-export")})`,
    );
  });

  it("refuses a default export that is not an object", async () => {
    const error = await loadError(fixture("not-an-object"));
    expect(error.issues).toEqual([
      {
        path: "",
        message: 'expected the stack as an object: export default defineStack({ name: "…", servers: { … } })',
      },
    ]);
  });

  it("lists every validation issue, one line each, with the file", async () => {
    const error = await loadError(fixture("invalid"));
    const file = shown("invalid");
    expect(error.message).toBe(
      [
        `location: expected "fsn1", "nbg1", "hel1", "ash", "hil" or "sin"; did you mean "fsn1"? (${file})`,
        `services.web.healthcheck.path: expected a string starting with "/" (${file})`,
        `services.web.helthcheck: unknown key; did you mean "healthcheck"? (${file})`,
      ].join("\n"),
    );
  });
});
