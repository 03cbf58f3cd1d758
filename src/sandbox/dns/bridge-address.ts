/**
 * Gives the host the sandbox DNS server's container-side address (172.29.2.3) on the sandbox's Docker
 * bridge, so the daemon itself can serve DNS there. The loopback address 127.0.2.3 is NETMAPed to it
 * both on the host and inside every VM, so one socket in the daemon answers all of them, and answers
 * come straight from the emulator's live state. The address lives on the bridge, so removing the
 * network (`sandbox down --purge`) removes it too; re-adding it is idempotent.
 */
import { run } from "../../util/exec.ts";
import { inspectFormat } from "../docker.ts";
import { SANDBOX_NETWORK } from "../layout.ts";

/** `ip` argv adding `address` to `bridge` as a /32 (pure, for tests). */
export function addAddressArgv(bridge: string, address: string): string[] {
  return ["ip", "-4", "addr", "add", `${address}/32`, "dev", bridge];
}

/** Parses `<id>|<bridge name option>` (the option is `<no value>` unless the network set one). */
export function bridgeName(inspected: string): string {
  const [id = "", named = ""] = inspected.split("|");
  return named && named !== "<no value>" ? named : `br-${id.slice(0, 12)}`;
}

/** The Linux interface of the sandbox network: Docker names it br-<first 12 hex of the network id>. */
export async function sandboxBridge(): Promise<string> {
  const info = await inspectFormat(
    SANDBOX_NETWORK,
    '{{.Id}}|{{index .Options "com.docker.network.bridge.name"}}',
  );
  if (info === null) {
    throw new Error(`the Docker network ${SANDBOX_NETWORK} does not exist (run slipway sandbox up)`);
  }
  return bridgeName(info);
}

export async function claimBridgeAddress(address: string): Promise<void> {
  const bridge = await sandboxBridge();
  const present = await run(["ip", "-4", "-o", "addr", "show", "dev", bridge]);
  if (present.includes(` ${address}/`)) return;
  await run(addAddressArgv(bridge, address));
}
