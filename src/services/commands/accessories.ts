/**
 * docker argv for accessories (Postgres, Redis): long-lived containers on the stack's private Docker
 * network, found by the apps under the accessory's name, with their data in a named volume and no
 * published port, so nothing outside the host's containers can reach them. Pure: argv only.
 */
import type { Argv } from "../../util/shell.ts";
import { LABEL_STACK, SLIPWAY_DIR } from "./containers.ts";

export const LABEL_ACCESSORY = "dev.slipway.accessory";
/** Hash of everything that makes the container; a different hash means the container is replaced. */
export const LABEL_ACCESSORY_SPEC = "dev.slipway.accessory-spec";

export interface AccessorySpec {
  stack: string;
  name: string;
  image: string;
  network: string;
  /** Mount point of the named volume that keeps the data. */
  dataPath: string;
  envFile: string;
  args: readonly string[];
  spec: string;
  memory?: number;
  cpus?: number;
}

export function accessoryContainer(stack: string, name: string): string {
  return `${stack}-${name}`;
}

export function accessoryVolume(stack: string, name: string): string {
  return `slipway-${stack}-${name}`;
}

export function accessoryEnvFile(stack: string, name: string): string {
  return `${SLIPWAY_DIR}/env/${accessoryContainer(stack, name)}.env`;
}

export function runAccessory(spec: AccessorySpec): Argv {
  // biome-ignore format: one flag and its value per line
  return [
    "docker", "run", "--detach", "--init",
    "--name", accessoryContainer(spec.stack, spec.name),
    "--network", spec.network,
    "--network-alias", spec.name,
    "--restart", "unless-stopped",
    "--volume", `${accessoryVolume(spec.stack, spec.name)}:${spec.dataPath}`,
    "--env-file", spec.envFile,
    "--label", `${LABEL_STACK}=${spec.stack}`,
    "--label", `${LABEL_ACCESSORY}=${spec.name}`,
    "--label", `${LABEL_ACCESSORY_SPEC}=${spec.spec}`,
    "--log-opt", "max-size=10m",
    "--log-opt", "max-file=3",
    ...(spec.memory === undefined ? [] : ["--memory", `${spec.memory}m`]),
    ...(spec.cpus === undefined ? [] : ["--cpus", String(spec.cpus)]),
    spec.image,
    ...spec.args,
  ];
}

/** Prints "<spec label> <running>" of the accessory's container; exits non-zero when there is none. */
export function inspectAccessory(stack: string, name: string): Argv {
  return [
    "docker",
    "inspect",
    "--format",
    `{{index .Config.Labels "${LABEL_ACCESSORY_SPEC}"}} {{.State.Running}}`,
    accessoryContainer(stack, name),
  ];
}
