/** What a user sees for bad input: exit code 2, the field or flag named, and no stack trace. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../e2e/support/cli.ts";

function stackFile(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-bad-"));
  writeFileSync(
    join(dir, "slipway.config.ts"),
    `import { defineStack } from "slipway";\nexport default defineStack(${body});\n`,
  );
  return join(dir, "slipway.config.ts");
}

describe("bad input", () => {
  it.each([
    [
      "a health path without a leading slash",
      `{ name: "bad", servers: { web: { type: "cx22", image: "debian-12" } }, services: { web: { image: "nginx:1", servers: ["web"], port: 80, healthcheck: { path: "health" } } } }`,
      'services.web.healthcheck.path: expected a string starting with "/"',
    ],
    [
      "a service on a server group that does not exist",
      `{ name: "bad", servers: { web: { type: "cx22", image: "debian-12" } }, services: { web: { image: "nginx:1", servers: ["wbe"], port: 80 } } }`,
      "services.web.servers[0]",
    ],
  ])("validate rejects %s with exit 2 naming the field", async (_, body, message) => {
    for (const command of ["validate", "plan"]) {
      const result = await runCli([command, "--config", stackFile(body)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it("rejects an unknown flag with exit 2 and suggests the right one", async () => {
    const result = await runCli(["plan", "--detailed-exit-code"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'unknown flag "--detailed-exit-code"; did you mean "--detailed-exitcode"?',
    );
  });

  it("names a missing stack file and how to start one", async () => {
    const result = await runCli(["plan", "--config", "/nonexistent/slipway.config.ts"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("/nonexistent/slipway.config.ts");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
