/**
 * The deploy-under-load tests' shared parts: a steady HTTPS stream at 100 requests a second to the
 * hello service at a public address, and the one line of its stack file they change between releases.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { type Load, startLoad } from "../../../bench/load.ts";
import type { Workspace } from "./workspace.ts";

export function startHelloLoad(ws: Workspace, address: string, maxRequests: number): Load {
  return startLoad(
    { address, host: "hello.slipway.test", path: "/", ca: readFileSync(ws.env.SLIPWAY_SANDBOX_CA!, "utf8") },
    { ratePerSecond: 100, maxRequests },
  );
}

/** Sets GREETING in the stack file: the app answers with it, so each response names its release. */
export function setGreeting(file: string, greeting: string): void {
  writeFileSync(file, readFileSync(file, "utf8").replace(/GREETING: "[^"]*"/, `GREETING: "${greeting}"`));
}

/**
 * The hello stack on a group of two servers behind a Hetzner load balancer that passes TCP 443 through
 * to their Caddy, named `stack`.
 */
export function helloBehindBalancer(text: string, stack: string): string {
  return text
    .replace('name: "hello"', `name: "${stack}"`)
    .replace(
      'web: { type: "cx22", image: "debian-12" },',
      'web: { type: "cx22", image: "debian-12", count: 2 },',
    )
    .replace(
      "  services: {",
      '  loadBalancers: {\n    main: {\n      targets: ["web"],\n      services: [{ listen: 443, healthcheck: { interval: "3s", timeout: "2s", retries: 2 } }],\n    },\n  },\n  services: {',
    );
}

/** The public address of the stack's one load balancer. */
export async function balancerAddress(env: NodeJS.ProcessEnv, stack: string): Promise<string> {
  const res = await fetch(`${env.HCLOUD_ENDPOINT}/load_balancers?label_selector=slipway/stack=${stack}`, {
    headers: { authorization: `Bearer ${env.HCLOUD_TOKEN}` },
  });
  const body = (await res.json()) as { load_balancers: { public_net: { ipv4: { ip: string } } }[] };
  if (body.load_balancers.length !== 1)
    throw new Error(`expected one load balancer of ${stack}, found ${body.load_balancers.length}`);
  return body.load_balancers[0]!.public_net.ipv4.ip;
}

/** The hello stack file with a release whose health check can never pass: the app listens elsewhere. */
export function neverHealthy(text: string): string {
  return text
    .replace('deadline: "60s"', 'deadline: "4s"')
    .replace(/GREETING: "[^"]*"/, 'GREETING: "broken", PORT: "9999"');
}
