/**
 * pgBackRest (Debian's 2.45) against the sandbox S3 store: a real PostgreSQL 15 cluster archives its WAL
 * to S3, takes a full backup, and a second cluster restored from that backup (replaying WAL fetched back
 * from S3) holds the same rows. pgBackRest speaks S3 over TLS only and is told to use path style.
 */
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec, run } from "../../../src/util/exec.ts";
import { CREDENTIALS, startTestStore, type TestStore } from "../../support/s3-server.ts";

const PG_BIN = "/usr/lib/postgresql/15/bin";
let store: TestStore;
let work: string;
let uid: number;
let gid: number;

const asPostgres = (argv: string[], timeoutMs = 120_000) =>
  run(["runuser", "-u", "postgres", "--", ...argv], { timeoutMs });

function pgConf(port: number, archive: boolean): string {
  const archiveCommand = `pgbackrest --config=${work}/pgbackrest.conf --stanza=main archive-push %p`;
  return [
    `port = ${port}`,
    "listen_addresses = ''",
    `unix_socket_directories = '${work}/sock'`,
    `archive_mode = ${archive ? "on" : "off"}`,
    `archive_command = '${archiveCommand}'`,
    "wal_level = replica",
    "max_wal_senders = 2",
    "",
  ].join("\n");
}

/** Starts a cluster; a failure carries the end of its server log, which says why. */
async function startCluster(name: string): Promise<void> {
  const result = await exec(
    [
      "runuser",
      "-u",
      "postgres",
      "--",
      `${PG_BIN}/pg_ctl`,
      "-D",
      `${work}/${name}`,
      "-l",
      `${work}/${name}.log`,
      "-w",
      "-t",
      "120",
      "start",
    ],
    { timeoutMs: 180_000 },
  );
  if (result.code !== 0)
    throw new Error(`${name} did not start:\n${readFileSync(`${work}/${name}.log`, "utf8").slice(-3000)}`);
}

const psql = (port: number, sql: string) =>
  asPostgres([`${PG_BIN}/psql`, "-h", `${work}/sock`, "-p", String(port), "-At", "-c", sql]);

beforeAll(async () => {
  store = await startTestStore();
  const s3 = store.client();
  await s3.send(new CreateBucketCommand({ Bucket: "pgbackrest" }));
  s3.destroy();
  work = mkdtempSync(join(tmpdir(), "slipway-pgbackrest-"));
  uid = Number((await run(["id", "-u", "postgres"])).trim());
  gid = Number((await run(["id", "-g", "postgres"])).trim());
  for (const dir of ["sock", "log", "lock", "spool"]) mkdirSync(join(work, dir));
  copyFileSync(store.caFile, join(work, "ca.pem"));
  const port = store.server.port;
  writeFileSync(
    join(work, "pgbackrest.conf"),
    [
      "[global]",
      "repo1-type=s3",
      "repo1-s3-endpoint=localhost",
      `repo1-storage-port=${port}`,
      "repo1-s3-bucket=pgbackrest",
      "repo1-s3-region=fsn1",
      `repo1-s3-key=${CREDENTIALS.accessKeyId}`,
      `repo1-s3-key-secret=${CREDENTIALS.secretAccessKey}`,
      "repo1-s3-uri-style=path",
      `repo1-storage-ca-file=${work}/ca.pem`,
      "repo1-path=/cluster",
      "repo1-retention-full=2",
      `log-path=${work}/log`,
      `lock-path=${work}/lock`,
      `spool-path=${work}/spool`,
      "log-level-console=warn",
      "start-fast=y",
      "",
      "[main]",
      `pg1-path=${work}/primary`,
      `pg1-socket-path=${work}/sock`,
      "pg1-port=54391",
      "",
    ].join("\n"),
  );
  await run(["chown", "-R", `${uid}:${gid}`, work]);
  chmodSync(work, 0o755);
  await asPostgres([`${PG_BIN}/initdb`, "-D", `${work}/primary`, "--auth=trust", "-U", "postgres"]);
  writeFileSync(join(work, "primary", "postgresql.auto.conf"), pgConf(54391, true));
  chownSync(join(work, "primary", "postgresql.auto.conf"), uid, gid);
  await startCluster("primary");
}, 180_000);

afterAll(async () => {
  for (const dir of ["primary", "restored"]) {
    await exec([
      "runuser",
      "-u",
      "postgres",
      "--",
      `${PG_BIN}/pg_ctl`,
      "-D",
      `${work}/${dir}`,
      "-m",
      "immediate",
      "stop",
    ]);
  }
  rmSync(work, { recursive: true, force: true });
  await store.stop();
});

describe("pgBackRest", () => {
  it("archives WAL and backs up to S3, and a cluster restored from it has the same rows", async () => {
    const backrest = (...args: string[]) =>
      asPostgres(["pgbackrest", `--config=${work}/pgbackrest.conf`, "--stanza=main", ...args], 300_000);
    await psql(54391, "CREATE TABLE numbers AS SELECT generate_series(1, 10000) AS n");
    await backrest("stanza-create");
    await backrest("check");
    await backrest("--type=full", "backup");
    await psql(54391, "INSERT INTO numbers SELECT generate_series(10001, 10500)");
    await psql(54391, "SELECT pg_switch_wal()");
    await backrest("check");
    const info = await backrest("info", "--output=json");
    expect(JSON.parse(info)[0].backup).toHaveLength(1);

    const s3 = store.client();
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "pgbackrest", Prefix: "cluster/" }));
    s3.destroy();
    expect(listed.KeyCount).toBeGreaterThan(3);

    await asPostgres([`${PG_BIN}/pg_ctl`, "-D", `${work}/primary`, "-m", "fast", "-w", "stop"]);
    mkdirSync(join(work, "restored"), { mode: 0o700 });
    chownSync(join(work, "restored"), uid, gid);
    await backrest(`--pg1-path=${work}/restored`, "--type=default", "restore");
    writeFileSync(
      join(work, "restored", "postgresql.auto.conf"),
      `${pgConf(54392, false)}restore_command = 'pgbackrest --config=${work}/pgbackrest.conf --pg1-path=${work}/restored --stanza=main archive-get %f "%p"'\n`,
    );
    chownSync(join(work, "restored", "postgresql.auto.conf"), uid, gid);
    await startCluster("restored");
    // pg_ctl returns once hot standby accepts reads; the WAL after the backup is still being fetched.
    for (let i = 0; i < 240 && (await psql(54392, "SELECT pg_is_in_recovery()")).trim() !== "f"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const count = await psql(54392, "SELECT count(*), max(n) FROM numbers");
    expect(count.trim()).toBe("10500|10500");
  }, 600_000);
});
