#!/usr/bin/env node
// slipway runs from its TypeScript sources: tsx compiles them on the fly, so there is no build step
// between editing and running, and stack files load the same way.
const [major] = process.versions.node.split(".").map(Number);
if (major < 22) {
  process.stderr.write(`slipway needs Node.js 22 or newer; this is ${process.version}.\n`);
  process.exit(1);
}
const { register } = await import("tsx/esm/api");
register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
