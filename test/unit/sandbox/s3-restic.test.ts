/**
 * restic (Debian's 0.14, minio-go inside) against the sandbox S3 store: init → backup → check
 * --read-data → restore, byte-identical. Over HTTPS, as the sandbox serves it; and over plain HTTP, where
 * minio-go signs every chunk of an aws-chunked body (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), the encoding
 * that made s3rver and fauxqs fail.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec } from "../../../src/util/exec.ts";
import { CREDENTIALS, startTestStore, type TestStore } from "../../support/s3-server.ts";

let work: string;
let source: string;

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = createHash("sha256").update(readFileSync(full)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "slipway-restic-"));
  source = join(work, "source");
  mkdirSync(join(source, "nested", "deeper"), { recursive: true });
  writeFileSync(join(source, "large.bin"), randomBytes(12 * 1024 * 1024));
  for (let i = 0; i < 40; i++)
    writeFileSync(join(source, "nested", `small-${i}.txt`), `file ${i}\n`.repeat(i * 10));
  writeFileSync(join(source, "nested", "deeper", "empty"), "");
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function resticRoundTrip(store: TestStore, name: string, extra: string[]): Promise<void> {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    RESTIC_PASSWORD: "sandbox-test-password",
    RESTIC_REPOSITORY: `s3:${store.endpoint}/restic-${name}/repo`,
    RESTIC_CACHE_DIR: join(work, `cache-${name}`),
  };
  const restic = async (...args: string[]) => {
    const result = await exec(["restic", ...extra, ...args], { env, timeoutMs: 180_000 });
    if (result.code !== 0)
      throw new Error(`restic ${args.join(" ")} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
    return result.stdout;
  };
  await restic("init");
  await restic("backup", "--host", "sandbox", source);
  await restic("check", "--read-data");
  const target = join(work, `restore-${name}`);
  await restic("restore", "latest", "--target", target);
  expect(tree(join(target, source))).toEqual(tree(source));
  expect(await restic("snapshots", "--json")).toContain('"hostname":"sandbox"');
}

describe("restic", () => {
  it("backs up, verifies and restores byte-identically over HTTPS", async () => {
    const store = await startTestStore();
    try {
      await resticRoundTrip(store, "https", ["--cacert", store.caFile]);
    } finally {
      await store.stop();
    }
  }, 300_000);

  it("does the same over plain HTTP, with every aws-chunked chunk signed", async () => {
    const store = await startTestStore({ tls: false });
    try {
      await resticRoundTrip(store, "http", []);
    } finally {
      await store.stop();
    }
  }, 300_000);
});
