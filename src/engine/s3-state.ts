/**
 * State in an S3 bucket (`s3://bucket/prefix/`): state.json written with `If-Match: <etag of our last
 * read or write>` (or `If-None-Match: *` for the first write), so a run that lost its lock, or a
 * second writer that skipped it, gets a 412 instead of silently overwriting newer state. The version
 * a run starts from is copied to history/ on its first write. ETags are sent unquoted (Hetzner Object
 * Storage rejects quoted ones). Before trusting a store, `probeConditionalWrites` checks it really
 * refuses both conditions: some S3-compatible stores ignore them, and a lock on such a store would race.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { UserError } from "../errors.ts";
import { type StateBackend, StateDocument } from "./state.ts";

export interface S3Location {
  bucket: string;
  /** Key prefix ending in "/" (or ""), e.g. "stacks/shop/". */
  prefix: string;
}

/** Parses `s3://bucket/some/prefix` into a bucket and a prefix ending in "/". */
export function parseS3Url(url: string, what = "SLIPWAY_STATE"): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) {
    throw new UserError(`${what}: expected s3://BUCKET or s3://BUCKET/PREFIX, got "${url}"`, { exitCode: 2 });
  }
  const prefix = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  return { bucket: match[1]!, prefix: prefix ? `${prefix}/` : "" };
}

export function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

export const unquoted = (etag: string | undefined) => etag?.replace(/^"(.*)"$/, "$1");

export class S3StateBackend implements StateBackend {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly key: string;
  private readonly historyPrefix: string;
  /** ETag of the state object as we last read or wrote it; undefined when it did not exist. */
  private etag: string | undefined;
  /** The document as read at the start, copied to history before the first write replaces it. */
  private original: { serial: number; body: string } | undefined;

  constructor(client: S3Client, where: S3Location) {
    this.client = client;
    this.bucket = where.bucket;
    this.key = `${where.prefix}state.json`;
    this.historyPrefix = `${where.prefix}history/`;
    this.location = `s3://${where.bucket}/${this.key}`;
  }

  async read(): Promise<StateDocument | null> {
    let body: string;
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }));
      body = (await got.Body?.transformToString()) ?? "";
      this.etag = unquoted(got.ETag);
    } catch (error) {
      if (statusOf(error) === 404) {
        this.etag = undefined;
        return null;
      }
      throw new UserError(`cannot read state ${this.location}: ${(error as Error).message}`, {
        hint: "Check AWS_ENDPOINT_URL_S3, AWS_REGION and the credentials, and that the bucket exists.",
        cause: error,
      });
    }
    let parsed: StateDocument;
    try {
      parsed = StateDocument.parse(JSON.parse(body));
    } catch {
      throw new UserError(`state ${this.location} is not a slipway state document (version 1)`, {
        hint: `Earlier versions are kept under s3://${this.bucket}/${this.historyPrefix}.`,
      });
    }
    this.original ??= { serial: parsed.serial, body };
    return parsed;
  }

  async write(doc: StateDocument): Promise<void> {
    if (this.original) {
      const { serial, body } = this.original;
      this.original = undefined;
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: `${this.historyPrefix}state.${serial}.json`,
          Body: body,
        }),
      );
    }
    try {
      const put = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key,
          Body: `${JSON.stringify(doc, null, 2)}\n`,
          ContentType: "application/json",
          ...(this.etag ? { IfMatch: this.etag } : { IfNoneMatch: "*" }),
        }),
      );
      this.etag = unquoted(put.ETag);
    } catch (error) {
      if (statusOf(error) === 412) {
        throw new UserError(`state ${this.location} was changed by another run since this one read it`, {
          hint: "This run stopped writing to keep the newer state. Run `slipway plan` to see where things stand.",
          cause: error,
        });
      }
      throw error;
    }
  }
}

/**
 * Refuses a store that accepts writes it should refuse: an existing key must fail both
 * `If-None-Match: *` and `If-Match: <a wrong etag>` with 412.
 */
export async function probeConditionalWrites(client: S3Client, where: S3Location): Promise<void> {
  const Key = `${where.prefix}.slipway-probe`;
  const Bucket = where.bucket;
  await client.send(new PutObjectCommand({ Bucket, Key, Body: "probe" }));
  const refused = async (condition: { IfNoneMatch?: string; IfMatch?: string }) => {
    try {
      await client.send(new PutObjectCommand({ Bucket, Key, Body: "probe", ...condition }));
      return false;
    } catch (error) {
      if (statusOf(error) === 412) return true;
      throw error;
    }
  };
  const createOnly = await refused({ IfNoneMatch: "*" });
  const replaceIf = await refused({ IfMatch: "0123456789abcdef0123456789abcdef" });
  if (!createOnly || !replaceIf) {
    const ignored = [createOnly ? [] : ["If-None-Match: *"], replaceIf ? [] : ["If-Match"]]
      .flat()
      .join(" and ");
    throw new UserError(
      `s3://${Bucket}: the store ignores ${ignored} on writes, so state there cannot be locked safely`,
      {
        hint: "Use a store that supports conditional writes (AWS S3, Hetzner Object Storage, the sandbox), or keep state local.",
      },
    );
  }
}
