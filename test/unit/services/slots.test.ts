// Slot ports and their firewall chain: exact iptables-restore input, chain set-up through fake tools,
// and slot choice recorded once per service.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  closeSlots,
  dropSlotChain,
  ensureSlots,
  HOST_PORTS,
  parseClosedSlots,
  parseSlots,
  slotChain,
  slotRules,
  slotSeed,
} from "../../../src/services/commands/slots.ts";

/** A directory of fake tools, each logging its argv (and stdin for iptables-restore) to `calls`. */
function fakeBin(tools: Record<string, string>) {
  const bin = mkdtempSync(join(tmpdir(), "slipway-slots-"));
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> ${bin}/calls\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const run = (argv: readonly string[]) => {
    const [cmd, ...args] = argv;
    return spawnSync(cmd!, args, {
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
  };
  const calls = () => {
    try {
      return readFileSync(join(bin, "calls"), "utf8").trim().split("\n");
    } catch {
      return [];
    }
  };
  return { bin, run, calls };
}

describe("slotChain", () => {
  it("names one chain per stack and service, within iptables' 28 characters", () => {
    const names = [slotChain("shop", "web"), slotChain("shop", "api"), slotChain("blog", "web")];
    expect(new Set(names).size).toBe(3);
    expect(slotChain("shop", "web")).toBe(names[0]);
    for (const name of names) expect(name).toMatch(/^SLIPWAY-[0-9a-f]{12}$/);
  });
});

describe("parseClosedSlots", () => {
  it("reads the closed ports back from iptables -S", () => {
    const out = [
      "-N SLIPWAY-abc",
      "-A SLIPWAY-abc -d 127.0.0.1/32 -o lo -p tcp -m tcp --dport 20001 --tcp-flags FIN,SYN,RST,ACK SYN -j REJECT --reject-with tcp-reset",
      "-A SLIPWAY-abc -d 127.0.0.1/32 -o lo -p tcp -m tcp --dport 20002 --tcp-flags FIN,SYN,RST,ACK SYN -j REJECT --reject-with tcp-reset",
    ].join("\n");
    expect(parseClosedSlots(out)).toEqual([20001, 20002]);
  });

  it("reads a missing or empty chain as all open", () => {
    expect(parseClosedSlots("")).toEqual([]);
    expect(parseClosedSlots("-N SLIPWAY-abc\n")).toEqual([]);
  });
});

describe("slotRules", () => {
  it("rejects new loopback connections to each closed port with a reset, nothing else", () => {
    expect(slotRules("SLIPWAY-x", [20001, 20002])).toBe(
      [
        "*filter",
        ":SLIPWAY-x - [0:0]",
        "-A SLIPWAY-x -o lo -d 127.0.0.1/32 -p tcp --dport 20001 --syn -j REJECT --reject-with tcp-reset",
        "-A SLIPWAY-x -o lo -d 127.0.0.1/32 -p tcp --dport 20002 --syn -j REJECT --reject-with tcp-reset",
        "COMMIT",
        "",
      ].join("\n"),
    );
  });

  it("leaves an empty chain when every slot is open", () => {
    expect(slotRules("SLIPWAY-x", [])).toBe("*filter\n:SLIPWAY-x - [0:0]\nCOMMIT\n");
  });
});

describe("closeSlots", () => {
  it("creates the chain and its jump when missing, then restores the rules without flushing others", () => {
    const fake = fakeBin({
      iptables: '[ "$2" = -C ] && exit 1; exit 0',
      "iptables-restore": `cat > $(dirname $0)/restored`,
    });
    expect(fake.run(closeSlots("SLIPWAY-x", [20001])).status).toBe(0);
    expect(fake.calls()).toEqual([
      "iptables -w -N SLIPWAY-x",
      "iptables -w -C OUTPUT -j SLIPWAY-x",
      "iptables -w -I OUTPUT 1 -j SLIPWAY-x",
      "iptables-restore -w --noflush",
    ]);
    expect(readFileSync(join(fake.bin, "restored"), "utf8")).toBe(slotRules("SLIPWAY-x", [20001]));
  });

  it("adds no second jump when the chain is already wired", () => {
    const fake = fakeBin({ iptables: "exit 0", "iptables-restore": "cat >/dev/null" });
    fake.run(closeSlots("SLIPWAY-x", []));
    expect(fake.calls().filter((c) => c.includes("-I OUTPUT"))).toEqual([]);
  });

  it("drops every jump to the chain, then the chain", () => {
    const fake = fakeBin({
      iptables: `n=$(grep -c -- "-D OUTPUT" $(dirname $0)/calls); [ "$2" = -D ] && [ "$n" -gt 2 ] && exit 1; exit 0`,
    });
    expect(fake.run(dropSlotChain("SLIPWAY-x")).status).toBe(0);
    expect(fake.calls()).toEqual([
      "iptables -w -D OUTPUT -j SLIPWAY-x",
      "iptables -w -D OUTPUT -j SLIPWAY-x",
      "iptables -w -D OUTPUT -j SLIPWAY-x",
      "iptables -w -F SLIPWAY-x",
      "iptables -w -X SLIPWAY-x",
    ]);
  });
});

describe("ensureSlots", () => {
  function run(seed: number, listening: string[], reserved: string[], dir: string) {
    const fake = fakeBin({
      ss: listening.map((a) => `echo "LISTEN 0 4096 ${a} 0.0.0.0:*"`).join("\n") || "true",
      docker: `case "$1" in ps) echo c1 ;; inspect) ${reserved.map((p) => `printf '${p} '`).join("; ") || "true"}; echo ;; esac`,
    });
    const argv = [...ensureSlots("shop", "web", seed)];
    argv[4] = dir;
    return fake.run(argv);
  }

  it.each([
    ["the seed and the next port when free", 20005, [], [], "20005 20006"],
    ["ports nothing listens on", 20005, ["127.0.0.1:20005", "[::]:20007"], [], "20006 20008"],
    ["ports no container has reserved", 20005, [], ["20006"], "20005 20007"],
    [
      "from the start of the range after its end",
      HOST_PORTS.last,
      [],
      [],
      `${HOST_PORTS.last} ${HOST_PORTS.first}`,
    ],
  ])("picks %s and records them", (_, seed, listening, reserved, slots) => {
    const dir = join(mkdtempSync(join(tmpdir(), "slipway-slots-")), "web");
    const result = run(seed, listening, reserved, dir);
    expect([result.status, result.stdout]).toEqual([0, `${slots}\n`]);
    expect(readFileSync(join(dir, "slots"), "utf8")).toBe(`${slots}\n`);
  });

  it("keeps the recorded slots whatever is in use now", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "slipway-slots-")), "web");
    run(20005, [], [], dir);
    expect(run(20005, ["127.0.0.1:20005"], ["20006"], dir).stdout).toBe("20005 20006\n");
  });

  it("spreads seeds by name inside the port range", () => {
    const seeds = ["shop-web", "shop-api", "blog-web"].map(slotSeed);
    expect(new Set(seeds).size).toBe(3);
    for (const seed of seeds) expect(seed >= HOST_PORTS.first && seed <= HOST_PORTS.last).toBe(true);
  });
});

describe("parseSlots", () => {
  it("reads two ports", () => {
    expect(parseSlots("20005 20006\n")).toEqual([20005, 20006]);
  });

  it.each([[""], ["20005"], ["a b"], ["1 2 3"]])("refuses %j", (output) => {
    expect(() => parseSlots(output)).toThrow("unexpected slot ports");
  });
});
