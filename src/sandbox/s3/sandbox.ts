/**
 * The S3 store as a sandbox service. The daemon (Node 24, on the host) serves it over HTTPS on the
 * sandbox network's gateway address; a forwarding container at SERVICE_ADDRESSES.s3 passes TCP through,
 * so the host (via NETMAP) and every VM reach one endpoint, https://127.0.2.4, with a certificate from
 * the sandbox CA. TLS ends in the store itself, so clients see exactly what they would see at AWS.
 */
import { readFile } from "node:fs/promises";
import { request } from "node:https";
import type { ApiFaultSource } from "../faults/store.ts";
import {
  containerAddress,
  S3_ACCESS_KEY_ID,
  S3_BACKEND_PORT,
  S3_DOMAIN,
  S3_PORT,
  S3_REGION,
  S3_SECRET_ACCESS_KEY,
  SANDBOX_GATEWAY,
  type SandboxFiles,
  SERVICE_ADDRESSES,
} from "../layout.ts";
import { ensureLeafCert } from "../pki.ts";
import { type S3Server, startS3Server } from "./server.ts";

export function s3Endpoint(): string {
  return S3_PORT === 443 ? `https://${SERVICE_ADDRESSES.s3}` : `https://${SERVICE_ADDRESSES.s3}:${S3_PORT}`;
}

/** What `slipway sandbox env` adds for S3, under the names the AWS SDKs, CLI and slipway read. */
export function s3Environment(files: SandboxFiles): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: s3Endpoint(),
    AWS_ACCESS_KEY_ID: S3_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY,
    AWS_REGION: S3_REGION,
    AWS_CA_BUNDLE: files.trustBundle,
  };
}

export async function startSandboxS3(files: SandboxFiles, fault?: ApiFaultSource): Promise<S3Server> {
  const tls = await ensureLeafCert(files, "s3", {
    ips: [SERVICE_ADDRESSES.s3, containerAddress(SERVICE_ADDRESSES.s3), "127.0.0.1"],
    dns: ["localhost", S3_DOMAIN, `*.${S3_DOMAIN}`],
  });
  return startS3Server({
    host: SANDBOX_GATEWAY,
    port: S3_BACKEND_PORT,
    tls: { cert: await readFile(tls.cert, "utf8"), key: await readFile(tls.key, "utf8") },
    dataDir: files.s3Data,
    credentials: { accessKeyId: S3_ACCESS_KEY_ID, secretAccessKey: S3_SECRET_ACCESS_KEY },
    region: S3_REGION,
    virtualHostDomain: S3_DOMAIN,
    fault,
  });
}

/** The forwarder's command: every connection to :443 is passed to the store on the gateway. */
export function s3ForwarderCommand(): string[] {
  return [
    "socat",
    `TCP-LISTEN:${S3_PORT},fork,reuseaddr,backlog=128`,
    `TCP:${SANDBOX_GATEWAY}:${S3_BACKEND_PORT}`,
  ];
}

/** True once an anonymous request through the public endpoint gets S3's AccessDenied. */
export async function s3Answers(files: SandboxFiles): Promise<boolean> {
  const ca = await readFile(files.caCert, "utf8");
  return new Promise((resolve) => {
    const req = request(`${s3Endpoint()}/`, { ca, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 403 && res.headers["x-amz-request-id"] !== undefined);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}
