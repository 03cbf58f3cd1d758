/**
 * A service's build context: the directory its Dockerfile builds from. Its content hash names the image
 * (and so the release), which makes `plan` see a code change without building anything, and makes an
 * unchanged context cost nothing on `up`. .git is never part of a context.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { UsageError } from "../errors.ts";
import { ExecError, exec } from "../util/exec.ts";

const EXCLUDED = new Set([".git"]);

async function listFiles(dir: string, root = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (EXCLUDED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path, root)));
    else if (entry.isFile() || entry.isSymbolicLink()) files.push(relative(root, path));
  }
  return files.sort();
}

export interface BuildSpec {
  context: string;
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
  platform?: string;
}

/** Hash of the context's files and of every build setting: equal hashes build equal images. */
export async function contextHash(build: BuildSpec): Promise<string> {
  const { context: dir, dockerfile } = build;
  if (!existsSync(dir)) throw new UsageError(`build context ${dir} does not exist`);
  if (!existsSync(join(dir, dockerfile))) {
    throw new UsageError(`build context ${dir} has no ${dockerfile}`, {
      hint: "Set build.dockerfile to the Dockerfile's path inside the context.",
    });
  }
  const settings = [
    dockerfile,
    Object.entries(build.args).sort(),
    build.target ?? null,
    build.platform ?? null,
  ];
  const hash = createHash("sha256").update(JSON.stringify(settings));
  for (const file of await listFiles(dir)) {
    hash
      .update(file)
      .update("\0")
      .update(await readFile(join(dir, file)))
      .update("\0");
  }
  return hash.digest("hex");
}

/** The context as a tar archive, ready to stream into `docker build -`. */
export async function contextTar(dir: string): Promise<Buffer> {
  const argv = ["tar", "-c", "-C", dir, ...[...EXCLUDED].map((name) => `--exclude=./${name}`), "."];
  const result = await exec(argv);
  if (result.code !== 0) throw new ExecError(argv, result);
  return result.stdoutBytes;
}
