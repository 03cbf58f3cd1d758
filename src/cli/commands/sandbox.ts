/** `slipway sandbox up|down|status|env`: the local cloud (Hetzner API, servers, registry, ACME). */
import { defineCommand } from "citty";
import { serveSandbox } from "../../sandbox/daemon.ts";
import { CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_TOKEN } from "../../sandbox/layout.ts";
import {
  currentSandbox,
  sandboxDown,
  sandboxEnvironment,
  sandboxStatus,
  sandboxUp,
} from "../../sandbox/lifecycle.ts";
import { quote } from "../../util/shell.ts";
import { globalArgs } from "../args.ts";
import { json, out, paint, progress } from "../output.ts";
import { faultCommand } from "./sandbox-fault.ts";
import { resolveCommand } from "./sandbox-resolve.ts";

const up = defineCommand({
  meta: { name: "up", description: "Start the local sandbox cloud (builds its images the first time)" },
  args: { ...globalArgs },
  async run() {
    const started = Date.now();
    const files = currentSandbox();
    await sandboxUp(files, progress);
    progress(`sandbox up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    out(`${paint("green", "The sandbox is up.")} Point slipway at it with:`);
    out('  eval "$(slipway sandbox env)"');
    out(`Cloudflare: token ${CLOUDFLARE_TOKEN}, account ${CLOUDFLARE_ACCOUNT_ID}; zones are made with`);
    out("  POST /zones (the SDK's zones.create), and `slipway sandbox resolve NAME` looks names up.");
  },
});

const down = defineCommand({
  meta: { name: "down", description: "Stop the sandbox, keeping its data (--purge removes everything)" },
  args: {
    ...globalArgs,
    purge: {
      type: "boolean",
      description: "Remove every container, volume, network, image and rule it made",
    },
    "keep-images": {
      type: "boolean",
      description: "With --purge: keep the built images for a faster next start",
    },
  },
  async run({ args }) {
    const options = { purge: args.purge === true, keepImages: args["keep-images"] === true };
    await sandboxDown(currentSandbox(), options, progress);
    out(args.purge ? "The sandbox is gone." : "The sandbox is stopped; `slipway sandbox up` resumes it.");
  },
});

const status = defineCommand({
  meta: { name: "status", description: "Show what the sandbox runs" },
  args: { ...globalArgs },
  async run({ args }) {
    const state = await sandboxStatus(currentSandbox());
    if (args.json) return json(state);
    out(`Hetzner Cloud API: ${state.api.hetzner ?? paint("yellow", "not running")}`);
    out(`Cloudflare API:    ${state.api.cloudflare ?? paint("yellow", "not running")}`);
    out(`S3:                ${state.api.s3 ?? paint("yellow", "not running")}`);
    if (state.containers.length === 0) out("No sandbox containers.");
    for (const c of state.containers) out(`  ${c.name.padEnd(32)} ${c.state.padEnd(10)} ${c.role}`);
  },
});

const env = defineCommand({
  meta: {
    name: "env",
    description: "Print the exports that point slipway and the cloud CLIs at the sandbox",
  },
  args: { ...globalArgs },
  run({ args }) {
    const vars = sandboxEnvironment(currentSandbox());
    if (args.json) return json(vars);
    for (const [name, value] of Object.entries(vars)) out(`export ${name}=${quote(value)}`);
  },
});

const serve = defineCommand({
  meta: { name: "serve", description: "Run the sandbox's API emulators in the foreground", hidden: true },
  args: { ...globalArgs },
  async run() {
    await serveSandbox(currentSandbox(), (line) => out(`${new Date().toISOString()} ${line}`));
  },
});

export const sandboxCommand = defineCommand({
  meta: { name: "sandbox", description: "The local sandbox cloud" },
  subCommands: { up, down, status, env, fault: faultCommand, resolve: resolveCommand, serve },
});
