/**
 * How long the sandbox takes to give you servers: three servers created at once through the Hetzner API,
 * each timed from its create call until the deploy user runs a command over SSH with the pinned host key.
 * Needs a running sandbox with its images built (`slipway sandbox up`); the servers it makes are deleted
 * at the end. Prints the figures; asserts nothing.
 *
 *   node bench/sandbox-boot.ts [--servers N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateHostKey, loadIdentity } from "../src/hosts/keys.ts";
import { SshPool } from "../src/hosts/ssh.ts";
import { serverUserData } from "../src/hosts/user-data.ts";
import { waitForActions } from "../src/providers/hetzner/actions.ts";
import { createHetznerClient } from "../src/providers/hetzner/client.ts";
import { ensure } from "../src/providers/hetzner/errors.ts";
import { API_HOST, HETZNER_API_PORT, HETZNER_TOKEN } from "../src/sandbox/layout.ts";
import { run } from "../src/util/exec.ts";

const count = Number(process.argv[process.argv.indexOf("--servers") + 1]) || 3;
const client = createHetznerClient({
  endpoint: `http://${API_HOST}:${HETZNER_API_PORT}/v1`,
  token: HETZNER_TOKEN,
});
const scratch = mkdtempSync(join(tmpdir(), "slipway-bench-boot-"));
const runId = Date.now().toString(36);

async function main(): Promise<void> {
  await run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", join(scratch, "id")]);
  const identity = loadIdentity(join(scratch, "id"), scratch);
  const pool = new SshPool(identity);
  const ids: number[] = [];
  try {
    const started = performance.now();
    const timings = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const hostKey = generateHostKey(`bench-${i}`);
        const t0 = performance.now();
        const created = ensure(
          await client.POST("/servers", {
            body: {
              name: `bench-boot-${runId}-${i}`,
              server_type: "cx22",
              image: "debian-12",
              location: "fsn1",
              labels: { "slipway/bench": "sandbox-boot" },
              user_data: serverUserData({ user: "deploy", authorizedKeys: [identity.publicKey], hostKey }),
            },
          }),
          "create a bench server",
        );
        ids.push(created.server.id);
        await waitForActions(client, [created.action], "boot a bench server");
        const apiMs = performance.now() - t0;
        const address = created.server.public_net.ipv4?.ip;
        if (!address) throw new Error("the server has no public IPv4");
        const connection = await pool.connect({
          name: `bench-${i}`,
          address,
          port: 22,
          user: "deploy",
          hostKey: hostKey.publicKey,
        });
        await connection.run("true", "run a command");
        return { apiMs, sshMs: performance.now() - t0 };
      }),
    );
    const wall = performance.now() - started;
    for (const [i, t] of timings.entries()) {
      console.log(
        `server ${i + 1}: action done after ${(t.apiMs / 1000).toFixed(1)} s, SSH-ready after ${(t.sshMs / 1000).toFixed(1)} s`,
      );
    }
    console.log(`${count} servers from API call to SSH-ready: ${(wall / 1000).toFixed(1)} s (goal < 30 s)`);
  } finally {
    await pool.closeAll();
    await Promise.all(ids.map((id) => client.DELETE("/servers/{id}", { params: { path: { id } } })));
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
