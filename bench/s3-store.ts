/**
 * Throughput of the sandbox S3 store against the disk it writes to: a 64 MiB object PUT (single request)
 * and GET through the AWS SDK over HTTPS, and a 64 MiB multipart upload, each compared with copying the
 * same bytes file to file. Ratios near 1 mean the store adds little beyond the disk; the absolute MB/s
 * show what restic or pgBackRest can expect in the sandbox. In-process store on 127.0.0.1.
 *   node bench/s3-store.ts
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { startTestStore } from "../test/support/s3-server.ts";

const SIZE = 64 * 1024 * 1024;
const RUNS = 3;

async function best(run: () => Promise<void>): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

const store = await startTestStore();
const s3 = store.client();
await s3.send(new CreateBucketCommand({ Bucket: "bench" }));
const data = randomBytes(SIZE);
const source = join(store.dir, "source.bin");
writeFileSync(source, data);

const disk = await best(async () => copyFileSync(source, join(store.dir, "copy.bin")));
const put = await best(async () => {
  await s3.send(new PutObjectCommand({ Bucket: "bench", Key: "object", Body: data }));
});
const get = await best(async () => {
  const res = await s3.send(new GetObjectCommand({ Bucket: "bench", Key: "object" }));
  await res.Body?.transformToByteArray();
});
const multipart = await best(async () => {
  await new Upload({
    client: s3,
    params: { Bucket: "bench", Key: "multipart", Body: data },
    queueSize: 4,
  }).done();
});

const mbps = (ms: number) => (SIZE / 1024 / 1024 / (ms / 1000)).toFixed(0);
console.log(`file copy (disk)      ${mbps(disk).padStart(5)} MB/s`);
for (const [name, ms] of [
  ["PUT 64 MiB", put],
  ["GET 64 MiB", get],
  ["multipart 64 MiB", multipart],
] as const) {
  console.log(
    `${name.padEnd(21)} ${mbps(ms).padStart(5)} MB/s   ${(ms / disk).toFixed(1)}× the disk copy's time`,
  );
}
s3.destroy();
rmSync(source);
await store.stop();
