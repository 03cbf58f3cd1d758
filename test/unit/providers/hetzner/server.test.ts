// hetzner.server and hetzner.sshKey pure parts: mapping API objects and diffs (what replaces, what updates).
import { describe, expect, it } from "vitest";
import {
  fromApiServer,
  type ObservedServer,
  type ServerInput,
  server,
} from "../../../../src/providers/hetzner/server.ts";
import { fromApiSshKey, type ObservedSshKey, sshKey } from "../../../../src/providers/hetzner/ssh-key.ts";
import { KEYS } from "../../../support/ssh-keys.ts";

const apiServer = {
  id: 42,
  name: "web-1",
  status: "running",
  server_type: { name: "cx22" },
  image: { name: "debian-12" },
  datacenter: { location: { name: "fsn1" } },
  labels: { "slipway/stack": "shop" },
  public_net: { ipv4: { ip: "203.0.113.7" }, ipv6: { ip: "2001:db8::/64" } },
};

describe("fromApiServer", () => {
  it("maps the API object to the observed server, with the host key slipway generated", () => {
    expect(fromApiServer(apiServer, "ssh-ed25519 AAAAhost")).toEqual<ObservedServer>({
      id: 42,
      name: "web-1",
      status: "running",
      serverType: "cx22",
      image: "debian-12",
      location: "fsn1",
      labels: { "slipway/stack": "shop" },
      ipv4: "203.0.113.7",
      ipv6: "2001:db8::/64",
      hostKey: "ssh-ed25519 AAAAhost",
      networks: [],
      privateIps: [],
      placementGroup: null,
    });
  });

  it("maps a server without public addresses or image to nulls", () => {
    const bare = { ...apiServer, image: null, public_net: { ipv4: null, ipv6: null } };
    expect(fromApiServer(bare, "")).toMatchObject({ image: null, ipv4: null, ipv6: null });
    expect(fromApiServer({ ...apiServer, image: { name: null } }, "").image).toBeNull();
  });
});

describe("server.diff", () => {
  const want: ServerInput = {
    name: "web-1",
    serverType: "cx22",
    image: "debian-12",
    location: "fsn1",
    labels: { "slipway/stack": "shop" },
    rootKeys: [],
    userData: "#cloud-config\n",
    hostKey: "ssh-ed25519 AAAAhost",
    ipv6: true,
  };
  const have = fromApiServer(apiServer, want.hostKey);

  it("is in sync when everything matches, whatever the user data", () => {
    expect(server.diff({ ...want, userData: "#cloud-config\nchanged: true\n" }, have)).toEqual([]);
  });

  it.each([
    [
      "a new type changes in place",
      { serverType: "cx32" },
      { path: "serverType", from: "cx22", to: "cx32", forcesReplace: false },
    ],
    [
      "a new image replaces",
      { image: "ubuntu-24.04" },
      { path: "image", from: "debian-12", to: "ubuntu-24.04", forcesReplace: true },
    ],
    [
      "a new location replaces",
      { location: "nbg1" },
      { path: "location", from: "fsn1", to: "nbg1", forcesReplace: true },
    ],
    [
      "a new name changes in place",
      { name: "web-2" },
      { path: "name", from: "web-1", to: "web-2", forcesReplace: false },
    ],
    [
      "new labels change in place",
      { labels: {} },
      { path: "labels", from: { "slipway/stack": "shop" }, to: {}, forcesReplace: false },
    ],
  ] as const)("%s", (_, input, expected) => {
    expect(server.diff({ ...want, ...input }, have)).toEqual([{ ...expected, sensitive: undefined }]);
  });

  it("powers on a server found off", () => {
    expect(server.diff(want, { ...have, status: "off" })).toEqual([
      { path: "status", from: "off", to: "running", forcesReplace: false, sensitive: undefined },
    ]);
  });

  it("ignores label order", () => {
    const labels = { b: "2", a: "1" };
    expect(server.diff({ ...want, labels }, { ...have, labels: { a: "1", b: "2" } })).toEqual([]);
  });

  it("can host only while running", () => {
    expect(server.canHost?.(have)).toBe(true);
    expect(server.canHost?.({ ...have, status: "starting" })).toBe(false);
    expect(server.id(have)).toBe("42");
  });
});

describe("hetzner.sshKey", () => {
  const apiKey = {
    id: 7,
    name: "shop-deploy",
    fingerprint: KEYS.ed25519.fingerprint,
    labels: { "slipway/stack": "shop" },
  };
  const want = {
    name: "shop-deploy",
    publicKey: KEYS.ed25519.publicKey,
    labels: { "slipway/stack": "shop" },
  };

  it.each([
    ["this stack's", "shop", false],
    ["another stack's", "blog", true],
    ["an unlabelled key, as foreign", undefined, true],
  ])("marks %s key", (_, stack, foreign) => {
    expect(fromApiSshKey(apiKey, stack)).toEqual<ObservedSshKey>({ ...apiKey, foreign });
  });

  it("replaces a key whose content changed and updates name and labels in place", () => {
    const have = fromApiSshKey(apiKey, "shop");
    const next = { ...want, name: "renamed", publicKey: KEYS.second.publicKey };
    expect(sshKey.diff(next, have).map((c) => [c.path, c.forcesReplace])).toEqual([
      ["fingerprint", true],
      ["name", false],
    ]);
  });

  it("never renames or relabels a key it did not create", () => {
    const foreign = fromApiSshKey({ ...apiKey, name: "alice", labels: {} }, "shop");
    expect(sshKey.diff(want, foreign)).toEqual([]);
  });

  it("describes a key by its fingerprint, not its content", () => {
    expect(sshKey.describe?.(want)).toEqual({
      name: "shop-deploy",
      fingerprint: KEYS.ed25519.fingerprint,
      labels: want.labels,
    });
  });
});
