/**
 * The sandbox's certificate authority, made with the openssl CLI (Node can parse X.509 but not issue it).
 * It signs the TLS certificates of the sandbox's own HTTPS endpoints (the ACME directory now, S3 later).
 * Certificates *issued through ACME* chain to Pebble's root instead, which changes every time Pebble
 * starts; the trust bundle therefore keeps every Pebble root ever seen next to the sandbox CA, so a
 * certificate Caddy obtained before a `sandbox down`/`up` still verifies.
 */
import { X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "../util/exec.ts";
import type { SandboxFiles } from "./layout.ts";

/** `openssl req` making a new unencrypted P-256 key. */
const NEW_P256_KEY = ["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

export async function ensureCa(files: SandboxFiles): Promise<void> {
  await mkdir(files.pki, { recursive: true, mode: 0o700 });
  if (existsSync(files.caCert) && existsSync(files.caKey)) return;
  await run([
    ...NEW_P256_KEY,
    "-x509",
    "-keyout",
    files.caKey,
    "-out",
    files.caCert,
    "-days",
    "3650",
    "-subj",
    "/CN=slipway sandbox CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
}

/** Issues (once) a server certificate for `name` valid for the given IP addresses and DNS names. */
export async function ensureLeafCert(
  files: SandboxFiles,
  name: string,
  sans: { ips: string[]; dns: string[] },
): Promise<{ cert: string; key: string }> {
  const cert = join(files.pki, `${name}.pem`);
  const key = join(files.pki, `${name}.key`);
  if (existsSync(cert) && existsSync(key)) return { cert, key };
  const csr = join(files.pki, `${name}.csr`);
  const ext = join(files.pki, `${name}.ext`);
  const altNames = [...sans.ips.map((ip) => `IP:${ip}`), ...sans.dns.map((dns) => `DNS:${dns}`)].join(",");
  await writeFile(ext, `subjectAltName=${altNames}\nextendedKeyUsage=serverAuth\n`);
  await run([...NEW_P256_KEY, "-keyout", key, "-out", csr, "-subj", `/CN=${name}`]);
  await run([
    "openssl",
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    files.caCert,
    "-CAkey",
    files.caKey,
    "-CAcreateserial",
    "-out",
    cert,
    "-days",
    "825",
    "-extfile",
    ext,
  ]);
  return { cert, key };
}

/** Splits a PEM bundle into its certificates. */
export function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Writes the trust bundle: the sandbox CA plus every distinct ACME root seen so far. */
export async function updateTrustBundle(files: SandboxFiles, acmeRootPem: string | null): Promise<void> {
  const existing = existsSync(files.trustBundle) ? splitPem(await readFile(files.trustBundle, "utf8")) : [];
  const ca = splitPem(await readFile(files.caCert, "utf8"));
  const fingerprints = new Set<string>();
  const all: string[] = [];
  for (const pem of [...ca, ...existing, ...(acmeRootPem ? splitPem(acmeRootPem) : [])]) {
    const fingerprint = new X509Certificate(pem).fingerprint256;
    if (fingerprints.has(fingerprint)) continue;
    fingerprints.add(fingerprint);
    all.push(pem);
  }
  await writeFile(files.trustBundle, `${all.join("\n")}\n`);
}
