/**
 * Resolving the references of a server create (server type, location or datacenter, image, SSH keys)
 * given by id or name, with Hetzner's errors: unknown or unavailable references are invalid_input on
 * the field; an image built for another CPU architecture than the server type is unsupported_error.
 * An image name picks the build matching the server type's architecture, as on Hetzner.
 */
import {
  DATACENTERS,
  type DatacenterFixture,
  IMAGES,
  type ImageFixture,
  LOCATIONS,
  RECOMMENDED_DATACENTER,
  SERVER_TYPES,
  type ServerTypeFixture,
} from "./catalog.ts";
import { invalidField, unsupported } from "./errors.ts";
import type { SshKeyRecord, State } from "./state.ts";

function byIdOrName<T extends { id: number; name: string }>(items: readonly T[], ref: string): T | undefined {
  return /^\d+$/.test(ref) ? items.find((i) => i.id === Number(ref)) : items.find((i) => i.name === ref);
}

export function resolveServerType(ref: string): ServerTypeFixture {
  const type = byIdOrName(SERVER_TYPES, ref);
  if (!type) throw invalidField("server_type", `server type ${ref} not found`);
  if (type.deprecation && Date.parse(type.deprecation.unavailable_after) < Date.now()) {
    throw invalidField("server_type", `server type ${type.name} is deprecated and no longer available`);
  }
  return type;
}

/** The datacenter for `location` or `datacenter` (mutually exclusive), defaulting to the recommended one. */
export function resolvePlacement(
  type: ServerTypeFixture,
  location?: string,
  datacenter?: string,
): DatacenterFixture {
  if (location !== undefined && datacenter !== undefined) {
    throw invalidField("location", "location and datacenter are mutually exclusive");
  }
  let dc: DatacenterFixture | undefined;
  if (datacenter !== undefined) {
    dc = byIdOrName(DATACENTERS, datacenter);
    if (!dc) throw invalidField("datacenter", `datacenter ${datacenter} not found`);
  } else if (location !== undefined) {
    const loc = byIdOrName(LOCATIONS, location);
    if (!loc) throw invalidField("location", `location ${location} not found`);
    dc = DATACENTERS.find((d) => d.location === loc.name);
  } else {
    const recommended = DATACENTERS.find((d) => d.id === RECOMMENDED_DATACENTER);
    dc =
      recommended && type.locations.includes(recommended.location)
        ? recommended
        : DATACENTERS.find((d) => type.locations.includes(d.location));
  }
  if (!dc) throw new Error("catalog has a location without a datacenter");
  if (!type.locations.includes(dc.location)) {
    throw invalidField("server_type", `server type ${type.name} is not available in location ${dc.location}`);
  }
  return dc;
}

export function resolveServerImage(ref: string, type: ServerTypeFixture): ImageFixture {
  if (/^\d+$/.test(ref)) {
    const image = IMAGES.find((i) => i.id === Number(ref));
    if (!image) throw invalidField("image", `image ${ref} not found`);
    if (image.architecture !== type.architecture) {
      throw unsupported(
        `image ${image.id} is built for ${image.architecture}, server type ${type.name} is ${type.architecture}`,
      );
    }
    return image;
  }
  const image = IMAGES.find((i) => i.name === ref && i.architecture === type.architecture);
  if (!image) throw invalidField("image", `image ${ref} not found`);
  return image;
}

export function resolveSshKeys(state: State, refs: readonly string[]): SshKeyRecord[] {
  return refs.map((ref) => {
    const key = byIdOrName(state.sshKeys, ref);
    if (!key) throw invalidField("ssh_keys", `SSH key ${ref} not found`);
    return key;
  });
}
