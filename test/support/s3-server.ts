/**
 * An in-process sandbox S3 store for tests: a temporary directory, a throwaway CA and a certificate made
 * by the sandbox's own PKI code, the store on an ephemeral 127.0.0.1 port over HTTPS, and AWS SDK
 * clients that trust that CA. `restart()` stops and starts it on the same data, as `sandbox down`/`up` do.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import type { ApiFaultSource } from "../../src/sandbox/faults/store.ts";
import { S3_ACCESS_KEY_ID, S3_REGION, S3_SECRET_ACCESS_KEY, sandboxFiles } from "../../src/sandbox/layout.ts";
import { ensureCa, ensureLeafCert } from "../../src/sandbox/pki.ts";
import { type S3Server, startS3Server } from "../../src/sandbox/s3/server.ts";

export const CREDENTIALS = { accessKeyId: S3_ACCESS_KEY_ID, secretAccessKey: S3_SECRET_ACCESS_KEY };

export interface TestStore {
  dir: string;
  caFile: string;
  server: S3Server;
  endpoint: string;
  client(config?: Partial<S3ClientConfig>): S3Client;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestStore(
  options: { tls?: boolean; fault?: ApiFaultSource } = {},
): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-s3-test-"));
  const files = sandboxFiles(join(dir, "home"));
  await ensureCa(files);
  const leaf = await ensureLeafCert(files, "s3", { ips: ["127.0.0.1"], dns: ["localhost"] });
  const tls =
    options.tls === false
      ? undefined
      : { cert: readFileSync(leaf.cert, "utf8"), key: readFileSync(leaf.key, "utf8") };
  const ca = readFileSync(files.caCert, "utf8");
  const start = (port: number) =>
    startS3Server({
      host: "127.0.0.1",
      port,
      tls,
      dataDir: join(dir, "data"),
      credentials: CREDENTIALS,
      region: S3_REGION,
      virtualHostDomain: "s3.test",
      fault: options.fault,
    });
  const store: TestStore = {
    dir,
    caFile: files.caCert,
    server: await start(0),
    endpoint: "",
    client: (config = {}) =>
      new S3Client({
        endpoint: store.endpoint,
        region: S3_REGION,
        credentials: CREDENTIALS,
        forcePathStyle: true,
        requestHandler: { httpsAgent: new Agent({ ca }) },
        ...config,
      }),
    async restart() {
      const port = store.server.port;
      await store.server.close();
      store.server = await start(port);
    },
    async stop() {
      await store.server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  store.endpoint = store.server.url;
  return store;
}
