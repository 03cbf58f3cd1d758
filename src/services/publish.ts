/**
 * Publishing a built image to the stack's registry: built once per run on the machine that runs
 * slipway, tagged with its content hash (what releases run), `latest`, the git commit and
 * `<environment>-<release>`, and pushed; the hosts then pull it. Without a registry, images are built
 * on each host instead (image.ts). Credentials, when the stack has them, go to `docker login` on stdin.
 */
import { join } from "node:path";
import { ExecError, exec } from "../util/exec.ts";
import type { BuildSpec } from "./build-context.ts";

export interface PublishSpec {
  /** The image releases run: `<registry>/<namespace>/<service>:<context hash>`. */
  image: string;
  build: BuildSpec;
  /** More tags of the same repository: latest, the git commit, <environment>-<release>. */
  tags: string[];
  login?: { server: string; username: string; password: string };
}

/** `repo:tag` for each extra tag of `image`'s repository. */
export function extraTags(image: string, tags: readonly string[]): string[] {
  const repository = image.slice(0, image.lastIndexOf(":"));
  return tags.map((tag) => `${repository}:${tag}`);
}

/** `docker build` of the context directory on this machine (the Dockerfile path is relative to it). */
export function localBuildArgv(image: string, build: BuildSpec): string[] {
  const args = Object.entries(build.args).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
  return [
    "docker",
    "build",
    "--quiet",
    "--tag",
    image,
    "--file",
    join(build.context, build.dockerfile),
    ...(build.target ? ["--target", build.target] : []),
    ...(build.platform ? ["--platform", build.platform] : []),
    ...args,
    build.context,
  ];
}

/** The short commit of the directory's git checkout, or null outside one. */
export async function gitCommit(dir: string): Promise<string | null> {
  const result = await exec(["git", "-C", dir, "rev-parse", "--short=12", "HEAD"]).catch(() => null);
  return result && result.code === 0 ? result.stdout.trim() : null;
}

const published = new Map<string, Promise<void>>();

async function run(argv: readonly string[], input?: string | Buffer): Promise<void> {
  const result = await exec(argv, { input, timeoutMs: 30 * 60_000 });
  if (result.code !== 0) throw new ExecError(argv, result);
}

async function publishOnce(spec: PublishSpec): Promise<void> {
  if (spec.login) {
    await run(
      ["docker", "login", "--username", spec.login.username, "--password-stdin", spec.login.server],
      spec.login.password,
    );
  }
  const present = await exec(["docker", "image", "inspect", "--format", "{{.Id}}", spec.image]);
  if (present.code !== 0) await run(localBuildArgv(spec.image, spec.build));
  const tags = extraTags(spec.image, spec.tags);
  for (const tag of tags) await run(["docker", "tag", spec.image, tag]);
  for (const ref of [spec.image, ...tags]) await run(["docker", "push", "--quiet", ref]);
}

/** Builds and pushes `spec.image` with its tags, once per run however many hosts ask. */
export function publish(spec: PublishSpec): Promise<void> {
  let pending = published.get(spec.image);
  if (!pending) {
    pending = publishOnce(spec);
    published.set(spec.image, pending);
    pending.catch(() => published.delete(spec.image));
  }
  return pending;
}

/** Where a built service image goes when the stack has a registry: `<server>/<namespace>/<service>:<hash>`. */
export function registryImage(
  registry: { server: string; namespace?: string },
  stack: string,
  service: string,
  hash: string,
): string {
  return `${registry.server}/${registry.namespace ?? stack}/${service}:${hash}`;
}

/** The tags besides the content hash: latest, the git commit (in a checkout) and <environment>-<release>. */
export function releaseTags(environment: string, release: string, commit: string | null): string[] {
  return ["latest", ...(commit ? [commit] : []), `${environment}-${release}`];
}
