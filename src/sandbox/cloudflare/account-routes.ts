/**
 * The account-level paths a client touches before zones: token verification (`/user/tokens/verify`,
 * which a CLI runs to check its credentials), the account list (zones are created under an account id)
 * and `/ips`, the published ranges an origin firewall admits (the sandbox's own, see ranges.ts).
 */
import type { CfHandler, CfRoute } from "./context.ts";
import { paged, ZONE_PAGES } from "./list.ts";
import { sandboxCloudflareRanges } from "./ranges.ts";

const verifyToken: CfHandler = (req) => ({
  result: { id: req.token.value.slice(0, 32).padEnd(32, "0"), status: "active" },
  messages: [{ code: 10000, message: "This API Token is valid and active", type: null }],
});

const listAccounts: CfHandler = (req, ctx) =>
  paged([ctx.account], req.query, ZONE_PAGES, (account) => ({
    id: account.id,
    name: account.name,
    type: "standard",
    settings: { enforce_twofactor: false, api_access_enabled: null, abuse_contact_email: null },
    created_on: "2026-01-01T00:00:00.000000Z",
  }));

const ips: CfHandler = () => {
  const ranges = sandboxCloudflareRanges();
  return {
    result: { ipv4_cidrs: [...ranges.ipv4], ipv6_cidrs: [...ranges.ipv6], etag: "sandbox" },
  };
};

/** Paths that answer without a token, as on the real API. */
export const PUBLIC_PATHS: readonly string[] = ["/ips"];

export const accountRoutes: CfRoute[] = [
  { method: "GET", template: "/user/tokens/verify", handler: verifyToken },
  { method: "GET", template: "/accounts", handler: listAccounts },
  { method: "GET", template: "/ips", handler: ips },
];
