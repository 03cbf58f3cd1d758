/**
 * Injected faults (`slipway sandbox fault api s3`) reach S3 clients as the errors S3 itself sends under
 * load, which the AWS SDK classifies and retries.
 */
import { ListBucketsCommand, S3ServiceException } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import type { ApiFaultSource } from "../../../src/sandbox/faults/store.ts";
import { startTestStore, type TestStore } from "../../support/s3-server.ts";

let store: TestStore | undefined;
afterEach(async () => {
  await store?.stop();
  store = undefined;
});

describe("S3 faults", () => {
  it.each([
    [503, "SlowDown"],
    [429, "SlowDown"],
    [500, "InternalError"],
    [504, "ServiceUnavailable"],
  ])("answers an injected %i as %s", async (status, code) => {
    const seen: string[] = [];
    const fault: ApiFaultSource = (service) => {
      seen.push(service);
      return { delayMs: 0, failWith: status };
    };
    store = await startTestStore({ fault });
    const s3 = store.client({ maxAttempts: 1 });
    const error = (await s3.send(new ListBucketsCommand({})).catch((e: unknown) => e)) as S3ServiceException;
    s3.destroy();
    expect(error).toBeInstanceOf(S3ServiceException);
    expect([error.name, error.$metadata.httpStatusCode]).toEqual([code, status]);
    expect(seen).toEqual(["s3"]);
  });

  it("lets the SDK's retries get through a fault that clears", async () => {
    let failures = 2;
    store = await startTestStore({ fault: () => ({ delayMs: 0, failWith: failures-- > 0 ? 503 : null }) });
    const s3 = store.client({ maxAttempts: 3 });
    const listed = await s3.send(new ListBucketsCommand({}));
    s3.destroy();
    expect(listed.$metadata.attempts).toBe(3);
  });
});
