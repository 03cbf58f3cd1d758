// Shell quoting: the one place argv becomes shell text; every word must reach the command unchanged.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { quote, toShell } from "../../../src/util/shell.ts";

describe("quote", () => {
  it.each([
    ["a plain word", "docker", "docker"],
    ["a path, flag and key=value", "--env-file=/etc/slipway/web.env", "--env-file=/etc/slipway/web.env"],
    ["an address with a port", "127.0.0.1:8080", "127.0.0.1:8080"],
    ["an image reference", "ghcr.io/acme/web@sha256:ab12", "ghcr.io/acme/web@sha256:ab12"],
    ["a single quote", "it's", `'it'\\''s'`],
    ["a command substitution", "$(reboot)", `'$(reboot)'`],
    ["backticks", "`id`", `'\`id\`'`],
    ["a variable", "$HOME", `'$HOME'`],
    ["the empty string", "", `''`],
    ["spaces", "hello world", `'hello world'`],
    ["a newline", "a\nb", `'a\nb'`],
    ["a glob", "*.json", `'*.json'`],
    ["a semicolon", "a;rm -rf /", `'a;rm -rf /'`],
    ["only quotes", "''", `''\\'''\\'''`],
  ])("quotes %s", (_, word, quoted) => {
    expect(quote(word)).toBe(quoted);
  });
});

describe("toShell", () => {
  it("joins quoted words with single spaces", () => {
    expect(toShell(["echo", "it's", "$(reboot)", ""])).toBe(`echo 'it'\\''s' '$(reboot)' ''`);
  });

  it("passes every word through sh unchanged", () => {
    const words = [
      "it's",
      "$(reboot)",
      "",
      "two  spaces",
      "line\nbreak",
      "tab\there",
      "\\",
      '"',
      "*",
      "~",
      "#x",
    ];
    const script = `${toShell(["printf", "%s\\0", ...words])}`;
    const result = spawnSync("sh", ["-c", script], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout.split("\0").slice(0, -1)).toEqual(words);
  });
});
