import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../../support/hetzner-emulator.ts";
import { KEYS } from "../../support/ssh-keys.ts";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
  await emu.api("POST", "/ssh_keys", { name: "deploy", public_key: KEYS.ed25519.publicKey });
});
afterEach(() => emu.assertAllValid());
afterAll(() => emu.close());

const base = { server_type: "cx22", image: "debian-12", location: "fsn1", ssh_keys: ["deploy"] };

describe("POST /servers validation", () => {
  const field = (name: string, message: string) => ({ fields: [{ name, messages: [message] }] });
  it.each([
    [
      "no body",
      undefined,
      "invalid_input",
      {
        fields: ["name", "server_type", "image"].map((name) => ({
          name,
          messages: ["Missing data for required field."],
        })),
      },
    ],
    [
      "a name that is no hostname",
      { ...base, name: "web_1" },
      "invalid_input",
      field("name", "must be a valid hostname (RFC 1123)"),
    ],
    [
      "a wrongly typed field",
      { ...base, name: "x", start_after_create: "no" },
      "invalid_input",
      field("start_after_create", "Not a valid boolean."),
    ],
    [
      "an unknown server type",
      { ...base, name: "x", server_type: "cx999" },
      "invalid_input",
      field("server_type", "server type cx999 not found"),
    ],
    [
      "a deprecated server type",
      { ...base, name: "x", server_type: "cx11" },
      "invalid_input",
      field("server_type", "server type cx11 is deprecated and no longer available"),
    ],
    [
      "a type not offered in the location",
      { ...base, name: "x", location: "ash" },
      "invalid_input",
      field("server_type", "server type cx22 is not available in location ash"),
    ],
    [
      "an unknown image",
      { ...base, name: "x", image: "windows-11" },
      "invalid_input",
      field("image", "image windows-11 not found"),
    ],
    [
      "an unknown location",
      { ...base, name: "x", location: "mars1" },
      "invalid_input",
      field("location", "location mars1 not found"),
    ],
    [
      "an unknown datacenter",
      { ...base, name: "x", location: undefined, datacenter: "fsn1-dc99" },
      "invalid_input",
      field("datacenter", "datacenter fsn1-dc99 not found"),
    ],
    [
      "both location and datacenter",
      { ...base, name: "x", datacenter: "fsn1-dc14" },
      "invalid_input",
      field("location", "location and datacenter are mutually exclusive"),
    ],
    [
      "an unknown SSH key",
      { ...base, name: "x", ssh_keys: ["nope"] },
      "invalid_input",
      field("ssh_keys", "SSH key nope not found"),
    ],
    [
      "user_data over 32 KiB",
      { ...base, name: "x", user_data: "x".repeat(32 * 1024 + 1) },
      "invalid_input",
      field("user_data", "Longer than maximum length 32768."),
    ],
    [
      "a volume",
      { ...base, name: "x", volumes: [5] },
      "invalid_input",
      field("volumes", "volume 5 not found"),
    ],
    [
      "a network",
      { ...base, name: "x", networks: [6] },
      "invalid_input",
      field("networks", "network 6 not found"),
    ],
    [
      "a firewall",
      { ...base, name: "x", firewalls: [{ firewall: 7 }] },
      "invalid_input",
      field("firewalls", "firewall 7 not found"),
    ],
    [
      "a malformed firewall",
      { ...base, name: "x", firewalls: [{}] },
      "invalid_input",
      field("firewalls[0].firewall", "Missing data for required field."),
    ],
    [
      "a primary IP",
      { ...base, name: "x", public_net: { ipv4: 8 } },
      "invalid_input",
      field("public_net.ipv4", "primary IP 8 not found"),
    ],
    [
      "a bad label",
      { ...base, name: "x", labels: { "a b": "c" } },
      "invalid_input",
      field(
        "labels",
        "label key 'a b' must be 1-63 characters, start and end alphanumeric, with - _ . between",
      ),
    ],
    [
      "an x86 image id on an arm type",
      { ...base, name: "x", server_type: "cax11", image: "114690387" },
      "unsupported_error",
      null,
    ],
  ])("refuses %s", async (_, body, code, details) => {
    const res = await emu.api("POST", "/servers", body);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details).toEqual(details);
  });
});
