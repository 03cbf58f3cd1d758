// deploy, rollback and releases: argument mistakes are usage errors (exit 2) naming the fix, before
// anything is loaded or contacted.
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/main.ts";

const hello = join(import.meta.dirname, "../../../examples/hello/slipway.config.ts");

async function quietMain(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  try {
    return { code: await main(argv), stderr };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

describe("deploy arguments", () => {
  it.each([
    [
      ["deploy", "web", "--image", "Not An Image"],
      '--image: expected an image reference such as "ghcr.io/acme/web:1.2"',
    ],
    [["deploy", "--image", "ghcr.io/acme/web:1.2"], "--image needs a SERVICE"],
    [["deploy", "web", "extra"], 'unexpected argument "extra"'],
    [["rollback", "web", "--too", "r1"], 'unknown flag "--too"; did you mean "--to"?'],
  ])("slipway %j fails with a usage error", async (argv, message) => {
    const result = await quietMain([...argv, "-c", hello]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
