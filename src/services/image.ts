/**
 * Gets a release's image onto its host: pulls a registry image, or builds the service's Dockerfile on
 * the host itself from the context streamed over SSH (no registry needed for a one-server stack). A built
 * image is tagged with its context hash, so an unchanged context is never built twice.
 */
import { asRoot, type HostRef } from "../hosts/connector.ts";
import type { SshConnection } from "../hosts/ssh.ts";
import { type BuildSpec, contextTar } from "./build-context.ts";
import { type PublishSpec, publish } from "./publish.ts";

export interface ImageSpec extends HostRef {
  image: string;
  build?: BuildSpec;
  /** Set when the stack has a registry: build here once, push, and let hosts pull. */
  publish?: PublishSpec;
}

export function buildArgv(spec: ImageSpec & { build: NonNullable<ImageSpec["build"]> }): string[] {
  const { build } = spec;
  const args = Object.entries(build.args).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
  const target = build.target ? ["--target", build.target] : [];
  const platform = build.platform ? ["--platform", build.platform] : [];
  return [
    "docker",
    "build",
    "--quiet",
    "--tag",
    spec.image,
    "--file",
    build.dockerfile,
    ...target,
    ...platform,
    ...args,
    "-",
  ];
}

export async function ensureImage(ssh: SshConnection, spec: ImageSpec): Promise<void> {
  if (spec.publish) {
    await publish(spec.publish);
    const login = spec.publish.login;
    if (login) {
      await ssh.run(
        asRoot(spec.user, [
          "docker",
          "login",
          "--username",
          login.username,
          "--password-stdin",
          login.server,
        ]),
        `logging in to ${login.server}`,
        { stdin: login.password },
      );
    }
  } else if (spec.build) {
    const present = await ssh.exec(
      asRoot(spec.user, ["docker", "image", "inspect", "--format", "{{.Id}}", spec.image]),
    );
    if (present.code === 0) return;
    const tar = await contextTar(spec.build.context);
    await ssh.run(asRoot(spec.user, buildArgv({ ...spec, build: spec.build })), `building ${spec.image}`, {
      stdin: tar,
      timeoutMs: 30 * 60_000,
    });
    return;
  }
  await ssh.run(asRoot(spec.user, ["docker", "pull", "--quiet", spec.image]), `pulling ${spec.image}`, {
    timeoutMs: 30 * 60_000,
  });
}
