/**
 * Scheduled, encrypted backups to a bucket. What is backed up is exactly one of: an accessory (a
 * Postgres accessory defaults to pgBackRest, everything else to restic), a service's mounts, a volume,
 * or host paths. Retention counts snapshots kept per period, as `restic forget --keep-*` does.
 */
import { z } from "zod";
import { Cron } from "./cron.ts";
import { integer, nameList, oneOf, resourceName, text } from "./primitives.ts";
import { secretOr } from "./secret.ts";

const keep = (example: number) => integer(0, 1000, example).optional();

export const Retention = z.strictObject({
  /** Keep the last n snapshots. @example 10 */
  last: keep(10),
  /** Keep one per hour for n hours. @example 24 */
  hourly: keep(24),
  /** Keep one per day for n days. Default 7. */
  daily: keep(7).default(7),
  /** Keep one per week for n weeks. Default 4. */
  weekly: keep(4).default(4),
  /** Keep one per month for n months. Default 6. */
  monthly: keep(6).default(6),
  /** Keep one per year for n years. @example 2 */
  yearly: keep(2),
});
export type Retention = z.infer<typeof Retention>;

const SOURCES = ["accessory", "service", "volume", "paths"] as const;

export const Backup = z
  .strictObject({
    /** Back up this accessory (a database dump stream or pgBackRest). @example "db" */
    accessory: resourceName("accessory", "db").optional(),
    /** Back up the Docker volumes and host paths this service mounts, on each of its servers. @example "pocketbase" */
    service: resourceName("service", "pocketbase").optional(),
    /** Back up the files on this volume, on each server it is attached to. @example "uploads" */
    volume: resourceName("volume", "uploads").optional(),
    /** Back up these host paths on `servers`. @example ["/etc/caddy"] */
    paths: z.array(text(/^\//, 'expected an absolute path such as "/srv/uploads"')).min(1).optional(),
    /** With `paths`: the server groups to back up. @example ["web"] */
    servers: nameList("server group", "web").optional(),
    /** Backup program. Default: "pgbackrest" for a Postgres accessory, else "restic". */
    tool: oneOf(["restic", "pgbackrest"]).optional(),
    /** When to run (host cron, UTC unless `hosts.timezone` says otherwise). Default "0 3 * * *". */
    schedule: Cron.default("0 3 * * *"),
    /** How many snapshots to keep. Default 7 daily, 4 weekly, 6 monthly. */
    retention: Retention.prefault({}),
    /** Bucket (from `buckets`) to store into. @example "backups" */
    bucket: resourceName("bucket", "backups"),
    /** Key prefix inside the bucket. Default: the backup's name. @example "db" */
    prefix: text(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'expected a key prefix such as "db"').optional(),
    /** Encryption passphrase (restic repository password, pgBackRest cipher pass). @example secret("BACKUP_PASSPHRASE") */
    passphrase: secretOr("correct horse battery staple", "BACKUP_PASSPHRASE"),
    /** Also restore the latest snapshot into a scratch location and check it, on this schedule. @example "0 5 * * 0" */
    verify: Cron.optional(),
  })
  .superRefine((backup, ctx) => {
    const set = SOURCES.filter((key) => backup[key] !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: set.length === 0 ? [] : [set[1]!],
        message: 'set exactly one of accessory, service, volume or paths, e.g. accessory: "db"',
      });
    }
    if (backup.paths && !backup.servers) {
      ctx.addIssue({
        code: "custom",
        path: ["servers"],
        message: 'required with paths, e.g. servers: ["web"]',
      });
    }
    if (!backup.paths && backup.servers) {
      ctx.addIssue({ code: "custom", path: ["servers"], message: "only used with paths; remove it" });
    }
    if (backup.tool === "pgbackrest" && !backup.accessory) {
      ctx.addIssue({
        code: "custom",
        path: ["tool"],
        message: 'pgbackrest backs up a Postgres accessory; use "restic"',
      });
    }
  });
export type Backup = z.infer<typeof Backup>;
