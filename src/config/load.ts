/**
 * loadStack: reads a TypeScript stack file with no build step (jiti transpiles it in memory) and
 * validates its default export. `import … from "slipway"` inside the file resolves to this checkout's
 * src/index.ts (the module this process already loaded, with an alias to the file behind it), so a
 * config anywhere on disk works without installing slipway there.
 * Every failure (missing file, syntax error, a throw while evaluating, a bad export) becomes a
 * StackConfigError whose message names the file and line, never a stack trace.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createJiti } from "jiti";
import { StackConfigError } from "./issues.ts";
import { type ParseOptions, parseStack } from "./parse.ts";
import type { Stack } from "./stack.ts";

/** The package entry, which config files import as "slipway". */
const ENTRY = fileURLToPath(new URL("../index.ts", import.meta.url));

export interface LoadedStack {
  stack: Stack;
  /** Absolute path of the stack file. */
  file: string;
  /** Its directory; relative paths in the stack (build contexts, keys) are relative to it. */
  dir: string;
}

/** How a file is named in messages: relative to the working directory when it is inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

export async function loadStack(configPath: string, options: ParseOptions = {}): Promise<LoadedStack> {
  const file = resolve(configPath);
  const shown = displayPath(file);
  const fail = (message: string): never => {
    throw new StackConfigError([{ path: "", message }], shown);
  };
  if (!existsSync(file)) {
    // The message names the file itself, so no "(file)" suffix.
    const message = `no stack file at ${file}; create one with \`slipway init\` or pass -c <file>`;
    throw new StackConfigError([{ path: "", message }]);
  }
  if (!statSync(file).isFile()) {
    throw new StackConfigError([
      {
        path: "",
        message: `${file} is a directory; pass the stack file, e.g. -c ${shown}/slipway.config.ts`,
      },
    ]);
  }

  const jiti = createJiti(import.meta.url, {
    alias: { slipway: ENTRY },
    // The entry as this process already loaded it: no second transpile, and one copy of the module.
    virtualModules: { slipway: await import(pathToFileURL(ENTRY).href) },
    moduleCache: false,
    interopDefault: false,
  });
  let module: unknown;
  try {
    module = await jiti.import(file);
  } catch (error) {
    fail(describeLoadError(error, file, shown));
  }
  const exports = (module ?? {}) as Record<string, unknown>;
  if (!Object.keys(exports).includes("default")) {
    const named = Object.keys(exports).filter((key) => key !== "__esModule");
    const found = named.length > 0 ? ` (found ${named.map((n) => `"${n}"`).join(", ")})` : "";
    fail(`has no default export${found}; write export default defineStack({ … })`);
  }
  return { stack: parseStack(exports.default, shown, options), file, dir: dirname(file) };
}

/** "slipway.config.ts:4:72: Unexpected token" from whatever jiti or the file threw. */
function describeLoadError(error: unknown, file: string, shown: string): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text
    .split("\n")[0]!
    .replace(/^(?:Error: )?(?:\w*Error: )?/, "")
    .trim();
  const at = (line: string, column?: string) => `${shown}:${line}${column ? `:${column}` : ""}`;
  const parsed = new RegExp(`${escapeRegExp(file)}:(\\d+):(\\d+)`).exec(text);
  if (parsed) return `syntax error at ${at(parsed[1]!, parsed[2])}: ${firstLine}`;
  const missing = /Cannot find module '([^']+)'/.exec(text);
  if (missing && missing[1] !== file)
    return `cannot import "${missing[1]}"; check the import path and that the package is installed`;
  const frame =
    error instanceof Error ? new RegExp(`${escapeRegExp(file)}:(\\d+):(\\d+)`).exec(error.stack ?? "") : null;
  const where = frame ? ` at ${at(frame[1]!, frame[2])}` : "";
  return `failed while evaluating${where}: ${firstLine}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
