// Polling with a deadline: waitFor returns the first defined value or times out naming the last failure.
import { describe, expect, it } from "vitest";
import { sleep, waitFor } from "../../../src/util/wait.ts";

describe("waitFor", () => {
  it("returns the first value other than undefined, after failures and empty probes", async () => {
    const answers: (() => number | undefined)[] = [
      () => {
        throw new Error("connection refused");
      },
      () => undefined,
      () => 0,
      () => 5,
    ];
    let calls = 0;
    const value = await waitFor("the daemon", async () => answers[calls++]!(), {
      timeoutMs: 5000,
      intervalMs: 1,
    });
    expect([value, calls]).toEqual([0, 3]);
  });

  it("accepts null and false as ready values", async () => {
    expect(await waitFor("x", async () => null, { timeoutMs: 100 })).toBeNull();
    expect(await waitFor("x", async () => false, { timeoutMs: 100 })).toBe(false);
  });

  it("times out naming what it waited for and the last error", async () => {
    let calls = 0;
    const probe = async () => {
      calls++;
      throw new Error(calls === 1 ? "first failure" : "still booting");
    };
    await expect(waitFor("server web-1", probe, { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(
      /^timed out after 0 s waiting for server web-1: still booting$/,
    );
    expect(calls).toBeGreaterThan(1);
  });

  it("times out without a reason when the probe never failed", async () => {
    await expect(
      waitFor("the lock", async () => undefined, { timeoutMs: 30, intervalMs: 5 }),
    ).rejects.toThrow(/^timed out after 0 s waiting for the lock$/);
  });

  it("probes at least once even with no time at all", async () => {
    let calls = 0;
    await expect(
      waitFor(
        "x",
        async () => {
          calls++;
          return undefined;
        },
        { timeoutMs: 0 },
      ),
    ).rejects.toThrow("timed out");
    expect(calls).toBe(1);
  });
});

describe("sleep", () => {
  it("resolves with nothing", async () => {
    expect(await sleep(1)).toBeUndefined();
  });
});
