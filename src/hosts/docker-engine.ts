/**
 * host.docker: the Docker engine on a server, installed from the distribution's packages (docker.io)
 * when missing and running. Creating it first waits for cloud-init to finish, since cloud-init may still
 * hold the apt lock or be creating the deploy user on a fresh server.
 */
import { change, type ResourceKind } from "../engine/resource.ts";
import { asRoot, type HostConnector, type HostRef } from "./connector.ts";

export type DockerEngineInput = HostRef;

export interface ObservedDockerEngine {
  server: string;
  version: string | null;
}

type Ctx = { hosts: HostConnector };

const SERVER_VERSION = ["docker", "version", "--format", "{{.Server.Version}}"];
export const WAIT_FOR_CLOUD_INIT =
  "for i in $(seq 1 600); do test -e /var/lib/cloud/instance/boot-finished && exit 0; sleep 0.5; done; " +
  "echo 'cloud-init did not finish within 5 minutes' >&2; exit 1";
export const INSTALL_DOCKER = [
  "set -e",
  "export DEBIAN_FRONTEND=noninteractive",
  "apt-get update -q",
  "apt-get install -y -q --no-install-recommends docker.io",
  "if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then systemctl enable --now docker; fi",
].join("; ");

async function probe(ctx: Ctx, want: DockerEngineInput): Promise<ObservedDockerEngine | null> {
  if (!ctx.hosts.server(want)) return null;
  const ssh = await ctx.hosts.connect(want);
  const result = await ssh.exec(asRoot(want.user, SERVER_VERSION));
  return { server: want.server, version: result.code === 0 ? result.stdout.trim() : null };
}

export const dockerEngine: ResourceKind<DockerEngineInput, ObservedDockerEngine, Ctx> = {
  kind: "host.docker",
  id: (engine) => engine.server,
  read: (ctx, _id, want) => probe(ctx, want),
  find: (ctx, want) => probe(ctx, want),
  diff: (_want, have) => change("running", have.version !== null, true),
  describe: (want) => ({ server: want.server, package: "docker.io" }),

  async create(ctx, want) {
    const ssh = await ctx.hosts.connect(want);
    await ssh.run(WAIT_FOR_CLOUD_INIT, "waiting for cloud-init to finish");
    const current = await probe(ctx, want);
    if (current?.version) return current;
    await ssh.run(asRoot(want.user, ["sh", "-c", INSTALL_DOCKER]), "installing Docker", {
      timeoutMs: 15 * 60_000,
    });
    const installed = await probe(ctx, want);
    if (!installed?.version) throw new Error(`Docker was installed on ${want.server} but does not answer`);
    return installed;
  },

  update: (ctx, _have, want) => dockerEngine.create(ctx, want),

  // Docker stays when a stack stops using a server's engine: removing it could break what else runs there.
  async delete() {},
};
