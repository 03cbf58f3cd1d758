/**
 * Cloudflare's published edge ranges, for firewall rules that admit only Cloudflare ("from: cloudflare").
 * Fetched when a plan needs them (GET /ips needs no token), so a rule follows the current list rather
 * than the one from the day the stack was written. CLOUDFLARE_API_BASE_URL points it elsewhere (the
 * sandbox), as it does for the Cloudflare SDK.
 */
import { z } from "zod";
import { UserError } from "../errors.ts";

const IpsResponse = z.object({
  success: z.literal(true),
  result: z.object({ ipv4_cidrs: z.array(z.string()), ipv6_cidrs: z.array(z.string()).default([]) }),
});

export async function cloudflareRanges(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const base = (env.CLOUDFLARE_API_BASE_URL ?? "https://api.cloudflare.com/client/v4").replace(/\/$/, "");
  const url = `${base}/ips`;
  let body: unknown;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    body = await response.json();
  } catch (error) {
    throw new UserError(`cannot fetch Cloudflare's IP ranges from ${url}: ${(error as Error).message}`, {
      hint: 'A firewall rule uses from: ["cloudflare"]; check the network, or CLOUDFLARE_API_BASE_URL.',
    });
  }
  const parsed = IpsResponse.safeParse(body);
  if (!parsed.success) throw new UserError(`${url} did not return Cloudflare's IP ranges`);
  return [...parsed.data.result.ipv4_cidrs, ...parsed.data.result.ipv6_cidrs];
}
