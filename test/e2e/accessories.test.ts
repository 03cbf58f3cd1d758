/**
 * Accessories end to end: examples/web-accessories brings up Postgres and Redis, built on the server
 * from Debian packages, before the app that depends on them. The app reaches both through the
 * connection strings slipway injects; the server's public address reaches neither.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCli, runCli } from "./support/cli.ts";
import { httpsPage } from "./support/pages.ts";
import { exampleWorkspace, type Workspace } from "./support/workspace.ts";

/** Resolves with "open" when a TCP connection succeeds, otherwise with the error code. */
function probe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.on("connect", () => {
      socket.destroy();
      resolve("open");
    });
    socket.on("timeout", () => {
      socket.destroy();
      resolve("timeout");
    });
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe("examples/web-accessories on the sandbox", () => {
  let ws: Workspace;
  let address: string;
  const cli = (args: string[], code: number) => expectCli(args, code, { cwd: ws.dir, env: ws.env });

  beforeAll(() => {
    ws = exampleWorkspace("web-accessories");
    ws.env = { ...ws.env, DB_PASSWORD: "db-pass 1/2", CACHE_PASSWORD: "cache:pass" };
  });
  afterAll(async () => {
    await runCli(["destroy", "--yes"], { cwd: ws.dir, env: ws.env });
    ws.remove();
  });

  it("starts the accessories before the app, which reaches both", async () => {
    const up = await cli(["up", "--yes"], 0);
    expect(up.stdout).toContain("+ service.accessory.db");
    expect(up.stdout).toContain("+ service.accessory.cache");
    expect(up.stdout).not.toContain("cache:pass");
    const order = up.stderr.split("\n").filter((l) => l.includes("create done"));
    const index = (needle: string) => order.findIndex((l) => l.includes(needle));
    expect(index("service.accessory.db")).toBeLessThan(index("service.release.web@web"));
    expect(index("service.accessory.cache")).toBeLessThan(index("service.release.web@web"));

    const status = JSON.parse((await cli(["status", "--json"], 0)).stdout) as {
      services: { address: string }[];
    };
    address = status.services[0]!.address;
    const deps = await httpsPage(ws, address, "accessories.slipway.test", "/deps");
    expect(JSON.parse(deps.stdout)).toEqual({ db: "ok", cache: "ok" });
  });

  it("lets the database owner in with the configured password", async () => {
    const query = await cli(
      [
        "exec",
        "web",
        "--",
        "sudo docker exec -e 'PGPASSWORD=db-pass 1/2' web-accessories-db psql -h 127.0.0.1 -U app -d app -tAc 'select current_user'",
      ],
      0,
    );
    expect(query.stdout).toContain("app");
  });

  it("is not reachable on the server's public address, nor published by Docker", async () => {
    expect(await probe(address, 5432)).not.toBe("open");
    expect(await probe(address, 6379)).not.toBe("open");
    const ports = await cli(
      [
        "exec",
        "web",
        "--",
        "sudo docker port web-accessories-db; sudo docker port web-accessories-cache; echo end",
      ],
      0,
    );
    expect(ports.stdout).not.toMatch(/5432|6379/);
  });

  it("plans no changes right after up", async () => {
    await cli(["plan", "--detailed-exitcode"], 0);
  });
});
