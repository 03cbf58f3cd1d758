/**
 * `slipway logs` building blocks: the host script run under sh against a fake `docker` (which
 * records the flags it gets), and the line formatting, with JSON logs made readable.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NO_CONTAINER, serviceLogs } from "../../../src/insight/logs/commands.ts";
import { formatLogLine, parseLogLine, prettyMessage } from "../../../src/insight/logs/format.ts";

/** Runs the argv with a fake docker: `docker ps` lists `containers`, `docker logs` prints two lines. */
function runWithFakeDocker(argv: readonly string[], containers: string[]) {
  const bin = mkdtempSync(join(tmpdir(), "slipway-logs-"));
  const calls = join(bin, "calls");
  writeFileSync(
    join(bin, "docker"),
    [
      "#!/bin/sh",
      `echo "$*" >> ${calls}`,
      'if [ "$1" = ps ]; then',
      ...containers.map((c) => `  echo ${c}`),
      "  exit 0",
      "fi",
      "for last; do :; done",
      'echo "2026-11-23T11:00:00.123456789Z hello from $last"',
      'echo "2026-11-23T11:00:01.000000000Z {\\"level\\":\\"info\\",\\"msg\\":\\"ready\\"}"',
    ].join("\n"),
  );
  chmodSync(join(bin, "docker"), 0o755);
  const [cmd, ...args] = argv;
  const run = spawnSync(cmd!, args, {
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  return { ...run, calls: readFileSync(calls, "utf8").trim().split("\n") };
}

describe("serviceLogs", () => {
  it("prints every container's lines prefixed by its name, with the flags asked for", () => {
    const run = runWithFakeDocker(serviceLogs("tux", "api", { follow: true, since: "10m", tail: 50 }), [
      "tux-api-aaa",
      "tux-api-bbb",
    ]);
    expect(run.status).toBe(0);
    expect(run.calls[0]).toBe(
      "ps --filter label=dev.slipway.stack=tux --filter label=dev.slipway.service=api --format {{.Names}}",
    );
    expect(run.calls.slice(1).sort()).toEqual([
      "logs --timestamps --follow --since 10m --tail 50 tux-api-aaa",
      "logs --timestamps --follow --since 10m --tail 50 tux-api-bbb",
    ]);
    expect(run.stdout.split("\n").filter(Boolean).sort()).toEqual([
      "tux-api-aaa 2026-11-23T11:00:00.123456789Z hello from tux-api-aaa",
      'tux-api-aaa 2026-11-23T11:00:01.000000000Z {"level":"info","msg":"ready"}',
      "tux-api-bbb 2026-11-23T11:00:00.123456789Z hello from tux-api-bbb",
      'tux-api-bbb 2026-11-23T11:00:01.000000000Z {"level":"info","msg":"ready"}',
    ]);
  });

  it("passes no optional flags when none are asked for", () => {
    const run = runWithFakeDocker(serviceLogs("hello", "web", { follow: false }), ["hello-web-1"]);
    expect(run.calls[1]).toBe("logs --timestamps hello-web-1");
  });

  it("exits 3 with a message when the host runs no container of the service", () => {
    const run = runWithFakeDocker(serviceLogs("hello", "web", { follow: false }), []);
    expect(run.status).toBe(NO_CONTAINER);
    expect(run.stderr).toContain("no running container of web");
  });

  it("keeps a hostile service name a single argument", () => {
    const run = runWithFakeDocker(serviceLogs("hello", "web; touch /tmp/pwned", { follow: false }), []);
    expect(run.calls[0]).toContain("label=dev.slipway.service=web; touch /tmp/pwned");
  });
});

describe("log lines", () => {
  it("splits container, time and message", () => {
    expect(parseLogLine("web-1", "hello-web-abc 2026-11-23T11:00:00.123456789Z GET / 200")).toEqual({
      host: "web-1",
      container: "hello-web-abc",
      time: "2026-11-23T11:00:00.123456789Z",
      message: "GET / 200",
    });
  });

  it.each([
    ['{"level":"info","msg":"listening","port":8080}', "INFO listening port=8080"],
    [
      '{"severity":"error","message":"db down","time":"2026-11-23T11:00:00Z","err":"connection refused"}',
      'ERROR db down err="connection refused"',
    ],
    ['{"a":{"b":1}}', 'a={"b":1}'],
    ["plain text {not json}", "plain text {not json}"],
    ["{broken", "{broken"],
    ["[1,2]", "[1,2]"],
  ])("pretty-prints %s", (message, pretty) => {
    expect(prettyMessage(message)).toBe(pretty);
  });

  it("prefixes the host, and the container when a host runs several", () => {
    const line = parseLogLine(
      "web-1",
      'hello-web-abc 2026-11-23T11:00:00.123456789Z {"level":"warn","msg":"slow"}',
    );
    expect(formatLogLine(line, { width: 6, showContainer: false })).toEqual({
      prefix: "web-1  |",
      text: "11:00:00.123 WARN slow",
    });
    expect(formatLogLine(line, { width: 0, showContainer: true }).prefix).toBe("web-1/hello-web-abc |");
  });
});
