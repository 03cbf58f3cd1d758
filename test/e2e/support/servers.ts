/**
 * Sandbox servers made straight through the Hetzner API, for e2e tests of the sandbox itself (registry,
 * S3, faults) that need machines but not a stack. Commands run in a server with `docker exec`: what is
 * under test is the sandbox's services as seen from inside a VM, not SSH.
 */
import { inject } from "vitest";
import { type ExecResult, exec } from "../../../src/util/exec.ts";

export interface TestServer {
  id: number;
  name: string;
  ip: string;
}

const env = () => inject("sandboxEnv");

export async function hetznerApi(method: string, path: string, body?: unknown) {
  const res = await fetch(`${env().HCLOUD_ENDPOINT}${path}`, {
    method,
    headers: { Authorization: `Bearer ${env().HCLOUD_TOKEN}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Waits until every action has succeeded; an action that ends in error fails with its message. */
export async function settleActions(actions: { id: number }[]): Promise<void> {
  for (const action of actions) {
    for (let i = 0; ; i++) {
      const { body } = await hetznerApi("GET", `/actions/${action.id}`);
      if (body.action.status === "success") break;
      if (body.action.status === "error")
        throw new Error(`action ${action.id}: ${body.action.error.message}`);
      if (i > 600) throw new Error(`action ${action.id} still running`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Creates a server and waits until its boot finished and its dockerd answers. */
export async function createTestServer(name: string): Promise<TestServer> {
  const res = await hetznerApi("POST", "/servers", {
    name,
    server_type: "cx22",
    image: "debian-12",
    location: "fsn1",
  });
  if (res.status !== 201)
    throw new Error(`creating server ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  const server = { id: res.body.server.id as number, name, ip: res.body.server.public_net.ipv4.ip as string };
  await eventually(
    async () =>
      (await inServer(server, "test -e /var/lib/cloud/instance/boot-finished && docker info >/dev/null"))
        .code === 0,
    `${name} to boot with a running dockerd`,
  );
  return server;
}

export function inServer(server: TestServer, script: string, timeoutMs = 300_000): Promise<ExecResult> {
  return exec(["docker", "exec", `slipway-vm-${server.id}`, "bash", "-c", script], { timeoutMs });
}

/** Runs a script in a server and fails with its output when it exits non-zero. */
export async function mustInServer(server: TestServer, script: string): Promise<string> {
  const result = await inServer(server, script);
  if (result.code !== 0)
    throw new Error(`in ${server.name}: ${script}\nexit ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

export async function eventually(check: () => Promise<boolean>, what: string, attempts = 120): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}
