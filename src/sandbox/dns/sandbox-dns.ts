/** The sandbox's DNS server as the daemon runs it: on 172.29.2.3:53, the container side of 127.0.2.3. */
import type { Store } from "../cloudflare/store.ts";
import { CLOUDFLARE_EDGE_ADDRESS, containerAddress, SERVICE_ADDRESSES } from "../layout.ts";
import { claimBridgeAddress } from "./bridge-address.ts";
import { type DnsServer, startDnsServer } from "./server.ts";

export async function startSandboxDns(store: Store): Promise<DnsServer> {
  const address = containerAddress(SERVICE_ADDRESSES.dns);
  await claimBridgeAddress(address);
  return startDnsServer({
    host: address,
    port: 53,
    state: () => store.state,
    edgeAddress: CLOUDFLARE_EDGE_ADDRESS,
  });
}
