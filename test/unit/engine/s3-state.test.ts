// S3 state and lock against the sandbox S3 store: conditional writes fence stale writers, one lease holder at a time, release and takeover by If-Match, and the probe that refuses stores ignoring conditions.
import { CreateBucketCommand, GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireLock, LockHeldError, LockLostError, newLockInfo } from "../../../src/engine/lock.ts";
import { S3StateLock } from "../../../src/engine/s3-lock.ts";
import { parseS3Url, probeConditionalWrites, S3StateBackend } from "../../../src/engine/s3-state.ts";
import { emptyState, type StateDocument } from "../../../src/engine/state.ts";
import { UserError } from "../../../src/errors.ts";
import { Redactor } from "../../../src/secrets/redact.ts";
import { openStackState, stackKeys, stateStorage } from "../../../src/stack/state-setup.ts";
import { CREDENTIALS, startTestStore, type TestStore } from "../../support/s3-server.ts";

let store: TestStore;
let s3: S3Client;
const Bucket = "slipway-state";
let n = 0;
/** A fresh prefix per test, so tests share one store without sharing state. */
const where = () => ({ bucket: Bucket, prefix: `stacks/t${n++}/` });

beforeAll(async () => {
  store = await startTestStore();
  s3 = store.client();
  await s3.send(new CreateBucketCommand({ Bucket }));
});
afterAll(async () => {
  s3.destroy();
  await store.stop();
});

const doc = (serial: number): StateDocument => ({ ...emptyState("shop"), lineage: "L", serial });

async function body(Key: string): Promise<string> {
  const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return (await got.Body?.transformToString()) ?? "";
}

describe("parseS3Url", () => {
  it.each([
    ["s3://bucket", { bucket: "bucket", prefix: "" }],
    ["s3://my.bucket/stacks/shop", { bucket: "my.bucket", prefix: "stacks/shop/" }],
    ["s3://bucket/stacks/shop/", { bucket: "bucket", prefix: "stacks/shop/" }],
  ])("reads %s", (url, expected) => {
    expect(parseS3Url(url)).toEqual(expected);
  });

  it("rejects what is not an s3:// URL, naming the variable", () => {
    expect(() => parseS3Url("https://bucket/x")).toThrow(
      'SLIPWAY_STATE: expected s3://BUCKET or s3://BUCKET/PREFIX, got "https://bucket/x"',
    );
  });
});

describe("S3StateBackend", () => {
  it("reads nothing at first, then what it wrote", async () => {
    const backend = new S3StateBackend(s3, where());
    expect(await backend.read()).toBeNull();
    await backend.write(doc(1));
    await backend.write(doc(2));
    expect(
      (await new S3StateBackend(s3, { bucket: Bucket, prefix: `stacks/t${n - 1}/` }).read())?.serial,
    ).toBe(2);
  });

  it("refuses to overwrite state another run changed since it read it", async () => {
    const at = where();
    const first = new S3StateBackend(s3, at);
    await first.write(doc(1));
    const mine = new S3StateBackend(s3, at);
    const theirs = new S3StateBackend(s3, at);
    await mine.read();
    await theirs.read();
    await theirs.write(doc(2));
    const error = await mine.write(doc(2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      `state s3://${Bucket}/${at.prefix}state.json was changed by another run since this one read it`,
    );
    expect(JSON.parse(await body(`${at.prefix}state.json`)).serial).toBe(2);
  });

  it("refuses to create state that appeared after it read nothing", async () => {
    const at = where();
    const mine = new S3StateBackend(s3, at);
    expect(await mine.read()).toBeNull();
    await new S3StateBackend(s3, at).write(doc(1));
    await expect(mine.write(doc(1))).rejects.toThrow("was changed by another run");
  });

  it("keeps the version a run started from in history", async () => {
    const at = where();
    await new S3StateBackend(s3, at).write(doc(7));
    const run = new S3StateBackend(s3, at);
    await run.read();
    await run.write(doc(8));
    await run.write(doc(9));
    expect(JSON.parse(await body(`${at.prefix}history/state.7.json`)).serial).toBe(7);
  });
});

describe("S3StateLock", () => {
  it("lets one holder in and names it to the next, with the lock ID", async () => {
    const lock = new S3StateLock(s3, where());
    const held = await acquireLock(lock, { reason: "up" });
    const error = await acquireLock(lock, { reason: "destroy" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).message).toContain(`for "up"`);
    expect((error as LockHeldError).message).toContain(`lock ID: ${held.info.id}`);
    expect((error as LockHeldError).message).toContain(lock.location);
    await held.release();
    expect(await lock.current()).toBeNull();
    const next = await acquireLock(lock, { reason: "destroy" }); // takes over the released lease
    expect((await lock.current())?.id).toBe(next.info.id);
    await next.release();
  });

  it("gives the lock to exactly one of many asking at once, also when taking over an expired lease", async () => {
    for (const expired of [false, true]) {
      const lock = new S3StateLock(s3, where());
      if (expired) await lock.tryAcquire(newLockInfo("dead run", -1000));
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => lock.tryAcquire(newLockInfo(`run ${i}`, 60_000))),
      );
      expect(results.filter((r) => "acquired" in r)).toHaveLength(1);
    }
  });

  it("refreshes with If-Match, and a replaced lease is lost", async () => {
    const lock = new S3StateLock(s3, where());
    const result = await lock.tryAcquire(newLockInfo("up", 60_000));
    if (!("acquired" in result)) throw new Error("expected the lock");
    const refreshed = await lock.refresh(result.acquired, new Date(Date.now() + 120_000).toISOString());
    expect(refreshed.token).not.toBe(result.acquired.token);
    await lock.forceUnlock(result.acquired.info.id);
    await expect(lock.refresh(refreshed, new Date().toISOString())).rejects.toThrow(LockLostError);
  });

  it("force-unlocks only the named lease", async () => {
    const lock = new S3StateLock(s3, where());
    await expect(lock.forceUnlock("x")).rejects.toThrow("no lock to remove");
    const held = await acquireLock(lock, { reason: "up" });
    await expect(lock.forceUnlock("other")).rejects.toThrow(
      `does not match the lock in force (ID ${held.info.id})`,
    );
    expect((await lock.forceUnlock(held.info.id)).id).toBe(held.info.id);
    expect(await lock.current()).toBeNull();
    await held.release(); // its lease was replaced: nothing happens
  });
});

describe("probeConditionalWrites", () => {
  it("accepts the sandbox store, which enforces both conditions", async () => {
    await expect(probeConditionalWrites(s3, where())).resolves.toBeUndefined();
  });

  it("refuses a store that ignores them", async () => {
    const careless = { send: async () => ({ ETag: '"abc"' }) } as unknown as S3Client;
    await expect(probeConditionalWrites(careless, where())).rejects.toThrow(
      `s3://${Bucket}: the store ignores If-None-Match: * and If-Match on writes, so state there cannot be locked safely`,
    );
  });
});

describe("a session's state in S3", () => {
  it("is locked, sealed and fenced like local state", async () => {
    const at = where();
    const storage = {
      backend: new S3StateBackend(s3, at),
      lock: new S3StateLock(s3, at),
      check: () => probeConditionalWrites(s3, at),
    };
    const keys = stackKeys(
      "/nonexistent",
      { SLIPWAY_PASSPHRASE: "pw" },
      { onKeyFileCreated: () => undefined, redactor: new Redactor() },
    );
    const opened = await openStackState({
      stackDir: "/nonexistent",
      stackName: "shop",
      stackFile: "f",
      keys,
      lock: { reason: "up" },
      storage,
    });
    await opened.state.setGenerated("hetzner.server.web", { hostKeyPrivate: "PRIVATE-KEY-MATERIAL" });
    const second = openStackState({
      stackDir: "/nonexistent",
      stackName: "shop",
      stackFile: "f",
      keys,
      lock: { reason: "up" },
      storage,
    });
    await expect(second).rejects.toThrow(LockHeldError);
    await opened.lock?.release();
    expect(await body(`${at.prefix}state.json`)).not.toContain("PRIVATE-KEY-MATERIAL");
    const again = await openStackState({
      stackDir: "/nonexistent",
      stackName: "shop",
      stackFile: "f",
      keys,
      lock: { reason: "up" },
      storage: { ...storage, backend: new S3StateBackend(s3, at) },
    });
    expect(again.state.generated("hetzner.server.web")).toEqual({ hostKeyPrivate: "PRIVATE-KEY-MATERIAL" });
    await again.lock?.release();
  });
});

describe("stateStorage", () => {
  it("uses the bucket SLIPWAY_STATE names, reached with the AWS_* variables and the CA bundle", async () => {
    const env = {
      SLIPWAY_STATE: `s3://${Bucket}/from-env`,
      AWS_ENDPOINT_URL_S3: store.endpoint,
      AWS_CA_BUNDLE: store.caFile,
      AWS_REGION: "fsn1",
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    };
    const storage = stateStorage("/nonexistent", env);
    expect(storage.backend.location).toBe(`s3://${Bucket}/from-env/state.json`);
    await storage.check();
    await storage.backend.write(doc(1));
    expect(JSON.parse(await body("from-env/state.json")).serial).toBe(1);
  });

  it("keeps state beside the stack file otherwise", () => {
    expect(stateStorage("/srv/shop", {}).backend.location).toBe("/srv/shop/.slipway/state.json");
  });
});
