// host.ufw and the DOCKER-USER rules that keep published container ports behind it.
import { describe, expect, it } from "vitest";
import {
  afterRulesBlock,
  BLOCK_BEGIN,
  BLOCK_END,
  dockerUserRules,
} from "../../../src/hosts/docker-firewall.ts";
import { diffUfw, parseUfw, type UfwInput, ufwRules } from "../../../src/hosts/ufw.ts";

const want: UfwInput = {
  server: "hetzner.server.web",
  user: "deploy",
  rules: [
    { port: "22", protocol: "tcp", from: ["any"] },
    { port: "443", protocol: "tcp", from: ["173.245.48.0/20", "2400:cb00::/32"] },
    { port: "8000-8100", protocol: "udp", from: ["203.0.113.7/32"] },
  ],
  privateNetworks: ["10.0.0.0/16"],
};
const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("ufwRules", () => {
  it("writes rules as `ufw show added` prints them back", () => {
    expect(ufwRules(want)).toEqual([
      "allow 22/tcp",
      "allow from 173.245.48.0/20 to any port 443 proto tcp",
      "allow from 2400:cb00::/32 to any port 443 proto tcp",
      "allow from 203.0.113.7 to any port 8000:8100 proto udp",
      "allow from 10.0.0.0/16",
    ]);
  });
});

describe("dockerUserRules", () => {
  it("lets replies, containers and private networks through, then allowed ports by original port, then drops", () => {
    expect(dockerUserRules(want.rules, want.privateNetworks)).toEqual([
      "-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
      "-A DOCKER-USER -i docker0 -j RETURN",
      "-A DOCKER-USER -i br-+ -j RETURN",
      "-A DOCKER-USER -i docker_gwbridge -j RETURN",
      "-A DOCKER-USER -s 10.0.0.0/16 -j RETURN",
      "-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 22 -j RETURN",
      "-A DOCKER-USER -s 173.245.48.0/20 -p tcp -m conntrack --ctorigdstport 443 -j RETURN",
      "-A DOCKER-USER -s 203.0.113.7/32 -p udp -m conntrack --ctorigdstport 8000:8100 -j RETURN",
      "-A DOCKER-USER -j DROP",
    ]);
  });

  it("is one marked iptables-restore section that declares (and so flushes) the chain", () => {
    const block = afterRulesBlock(want.rules, []).split("\n");
    expect(block.slice(0, 3)).toEqual([BLOCK_BEGIN, "*filter", ":DOCKER-USER - [0:0]"]);
    expect(block.slice(-3)).toEqual(["COMMIT", BLOCK_END, ""]);
  });
});

describe("parseUfw and diffUfw", () => {
  const probe = (fields: Record<string, string>) =>
    parseUfw(new Map(Object.entries({ installed: "1", incoming: "DROP", ...fields })), want)!;
  const inPlace = {
    status: "Status: active",
    rules: b64(`${ufwRules(want).join("\n")}\n`),
    block: b64(afterRulesBlock(want.rules, want.privateNetworks)),
    chain: b64(
      `-N DOCKER-USER\n${dockerUserRules(want.rules, want.privateNetworks).join("\n")}\n-A DOCKER-USER -j RETURN\n`,
    ),
  };

  it("finds nothing to do when rules, policy and DOCKER-USER are in place", () => {
    expect(diffUfw(want, probe(inPlace))).toEqual([]);
  });

  it("names each rule added and removed", () => {
    const rules = b64("allow 22/tcp\nallow 8080/tcp\n");
    const changes = diffUfw(want, probe({ ...inPlace, rules })).map((c) => [c.path, c.from, c.to]);
    expect(changes).toContainEqual(["ufw allow 8080/tcp", "present", "absent"]);
    expect(changes).toContainEqual(["ufw allow from 10.0.0.0/16", "absent", "present"]);
    expect(changes).not.toContainEqual(expect.arrayContaining(["ufw allow 22/tcp"]));
  });

  it("sees an inactive firewall with an open default and Docker ports open past it", () => {
    const have = probe({
      status: "Status: inactive",
      incoming: "ACCEPT",
      rules: "",
      block: "",
      chain: b64("-N DOCKER-USER\n-A DOCKER-USER -j RETURN\n"),
    });
    expect(have.docker).toBe("unfiltered");
    const changes = diffUfw(want, have).map((c) => [c.path, c.from, c.to]);
    expect(changes.slice(0, 2)).toEqual([
      ["status", "inactive", "active"],
      ["default incoming", "allow", "deny"],
    ]);
    expect(changes.at(-1)).toEqual(["published Docker ports", "open past the firewall", "filtered"]);
  });

  it("calls DOCKER-USER stale when the live chain no longer matches the stack's rules", () => {
    const chain = b64(`${dockerUserRules([want.rules[0]!], []).join("\n")}\n`);
    expect(probe({ ...inPlace, chain }).docker).toBe("stale");
  });

  it("reads a host without ufw as absent", () => {
    expect(parseUfw(new Map([["installed", "0"]]), want)).toBeNull();
  });
});
