import { describe, expect, it } from "vitest";
import type { NetworkingPlan } from "../../../../src/sandbox/hetzner/network-realization.ts";
import { createNetworkArgs, networkSteps } from "../../../../src/sandbox/vm/private-networks.ts";

const name = (id: number) => `slipway-vm-${id}`;
const plan = (servers: NetworkingPlan["servers"], ipRange = "10.0.0.0/16"): NetworkingPlan => ({
  networks: [{ id: 4, ipRange, gateway: "10.0.0.1" }],
  servers,
});
const onPublic = new Map([["slipway-sandbox", "172.29.1.2"]]);

describe("createNetworkArgs", () => {
  it("makes an internal bridge over the whole range with Hetzner's gateway", () => {
    expect(createNetworkArgs(4, "10.0.0.0/16", "10.0.0.1")).toEqual([
      "network",
      "create",
      "--driver",
      "bridge",
      "--internal",
      "--subnet",
      "10.0.0.0/16",
      "--gateway",
      "10.0.0.1",
      "--label",
      "dev.slipway.sandbox=1",
      "--label",
      "dev.slipway.sandbox.network-id=4",
      "slipway-net-4",
    ]);
  });
});

describe("networkSteps", () => {
  const server = {
    id: 1,
    publicIpv4: "127.0.1.2",
    networks: [{ networkId: 4, ip: "10.0.1.1" }],
    firewall: null,
  };

  it("creates the network, then connects the server with its private IP", () => {
    const steps = networkSteps(plan([server]), { networks: [], containers: new Map([[1, onPublic]]) }, name);
    expect(steps.map((s) => s.argv.join(" "))).toEqual([
      createNetworkArgs(4, "10.0.0.0/16", "10.0.0.1").join(" "),
      "network connect --ip 10.0.1.1 slipway-net-4 slipway-vm-1",
    ]);
    expect(steps[0]).toMatchObject({ kind: "create", subnet: "10.0.0.0/16" });
  });

  it("does nothing when Docker already matches the plan", () => {
    const observed = {
      networks: [{ name: "slipway-net-4", subnet: "10.0.0.0/16", members: ["slipway-vm-1"] }],
      containers: new Map([[1, new Map([...onPublic, ["slipway-net-4", "10.0.1.1"]])]]),
    };
    expect(networkSteps(plan([server]), observed, name)).toEqual([]);
  });

  it("skips servers whose container does not exist yet", () => {
    const steps = networkSteps(plan([server]), { networks: [], containers: new Map() }, name);
    expect(steps.map((s) => s.kind)).toEqual(["create"]);
  });

  it("recreates a network whose range grew, reconnecting its servers", () => {
    const observed = {
      networks: [{ name: "slipway-net-4", subnet: "10.0.0.0/16", members: ["slipway-vm-1"] }],
      containers: new Map([[1, new Map([...onPublic, ["slipway-net-4", "10.0.1.1"]])]]),
    };
    const steps = networkSteps(plan([server], "10.0.0.0/15"), observed, name);
    expect(steps.map((s) => s.argv.slice(0, 3).join(" "))).toEqual([
      "network disconnect --force",
      "network rm slipway-net-4",
      "network create --driver",
      "network connect --ip",
    ]);
  });

  it("removes a network nobody should use, disconnecting every container still on it first", () => {
    const observed = {
      networks: [{ name: "slipway-net-9", subnet: "10.9.0.0/16", members: ["slipway-vm-1", "slipway-lb-3"] }],
      containers: new Map([[1, new Map([...onPublic, ["slipway-net-9", "10.9.0.2"]])]]),
    };
    const steps = networkSteps({ networks: [], servers: [{ ...server, networks: [] }] }, observed, name);
    expect(steps.map((s) => s.argv.join(" "))).toEqual([
      "network disconnect --force slipway-net-9 slipway-vm-1",
      "network disconnect --force slipway-net-9 slipway-lb-3",
      "network rm slipway-net-9",
    ]);
  });

  it("detaches a server from a network it left that others still use", () => {
    const observed = {
      networks: [{ name: "slipway-net-4", subnet: "10.0.0.0/16", members: ["slipway-vm-1"] }],
      containers: new Map([[1, new Map([...onPublic, ["slipway-net-4", "10.0.1.1"]])]]),
    };
    const other = { id: 2, publicIpv4: null, networks: [{ networkId: 4, ip: "10.0.1.2" }], firewall: null };
    const steps = networkSteps(plan([{ ...server, networks: [] }, other]), observed, name);
    expect(steps.map((s) => s.argv.join(" "))).toEqual([
      "network disconnect --force slipway-net-4 slipway-vm-1",
    ]);
  });

  it("moves the public endpoint to a newly assigned IPv4, and removes it without one", () => {
    const moved = networkSteps(
      { networks: [], servers: [{ ...server, networks: [], publicIpv4: "127.0.1.9" }] },
      { networks: [], containers: new Map([[1, onPublic]]) },
      name,
    );
    expect(moved.map((s) => s.argv.join(" "))).toEqual([
      "network disconnect --force slipway-sandbox slipway-vm-1",
      "network connect --ip 172.29.1.9 slipway-sandbox slipway-vm-1",
    ]);
    const gone = networkSteps(
      { networks: [], servers: [{ ...server, networks: [], publicIpv4: null }] },
      { networks: [], containers: new Map([[1, onPublic]]) },
      name,
    );
    expect(gone.map((s) => s.argv.join(" "))).toEqual([
      "network disconnect --force slipway-sandbox slipway-vm-1",
    ]);
  });
});
