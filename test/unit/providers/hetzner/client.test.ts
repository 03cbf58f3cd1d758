// Hetzner client settings from the environment, waits after a 429, and API errors that name field details.
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../../src/errors.ts";
import { hetznerSettings, rateLimitDelayMs } from "../../../../src/providers/hetzner/client.ts";
import { ensure, HetznerApiError, isNotFound } from "../../../../src/providers/hetzner/errors.ts";

describe("hetznerSettings", () => {
  it.each([
    ["the public API by default", {}, "https://api.hetzner.cloud/v1"],
    [
      "HCLOUD_ENDPOINT without trailing slashes",
      { HCLOUD_ENDPOINT: "http://127.0.0.1:4000/v1//" },
      "http://127.0.0.1:4000/v1",
    ],
    ["the default for an empty HCLOUD_ENDPOINT", { HCLOUD_ENDPOINT: "" }, "https://api.hetzner.cloud/v1"],
  ])("uses %s", (_, env, endpoint) => {
    expect(hetznerSettings({ HCLOUD_TOKEN: "t0ken", ...env })).toEqual({ endpoint, token: "t0ken" });
  });

  it("is a usage error without HCLOUD_TOKEN, saying where to get one or how to use the sandbox", () => {
    const error = (() => {
      try {
        hetznerSettings({});
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ message: "HCLOUD_TOKEN is not set", exitCode: 2 });
    expect((error as UsageError).hint).toContain('slipway sandbox up && eval "$(slipway sandbox env)"');
  });
});

describe("rateLimitDelayMs", () => {
  const now = 1_700_000_000_000;
  const at = (seconds: number) => String(now / 1000 + seconds);
  it.each([
    ["no headers: one second", {}, 1000],
    ["Retry-After in seconds", { "retry-after": "5" }, 5000],
    ["Retry-After over a minute: a minute", { "retry-after": "600" }, 60_000],
    ["Retry-After before RateLimit-Reset", { "retry-after": "2", "ratelimit-reset": at(30) }, 2000],
    ["Retry-After of 0: RateLimit-Reset instead", { "retry-after": "0", "ratelimit-reset": at(3) }, 3000],
    [
      "Retry-After as a date: RateLimit-Reset instead",
      { "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT", "ratelimit-reset": at(4) },
      4000,
    ],
    ["RateLimit-Reset in the future", { "ratelimit-reset": at(12) }, 12_000],
    ["RateLimit-Reset in the past: one second", { "ratelimit-reset": at(-30) }, 1000],
    ["RateLimit-Reset just now: one second", { "ratelimit-reset": at(0.2) }, 1000],
    ["RateLimit-Reset an hour away: a minute", { "ratelimit-reset": at(3600) }, 60_000],
    ["garbage: one second", { "ratelimit-reset": "soon" }, 1000],
  ])("waits for %s", (_, headers, ms) => {
    expect(rateLimitDelayMs(new Headers(headers), now)).toBe(ms);
  });
});

function response(status: number, headers: Record<string, string> = {}, statusText = "") {
  return new Response(null, { status, headers, statusText });
}

describe("ensure", () => {
  it("returns the data of a successful call", () => {
    expect(ensure({ data: { server: { id: 1 } }, response: response(200) }, "read server 1")).toEqual({
      server: { id: 1 },
    });
  });

  it("names what was being done, the API message, code, status, correlation id and each invalid field", () => {
    const error = {
      error: {
        code: "invalid_input",
        message: "invalid input in fields 'name', 'server_type'",
        details: {
          fields: [
            { name: "name", messages: ["must be a valid hostname", "too long"] },
            { name: "server_type", messages: [] },
          ],
        },
      },
    };
    const act = () =>
      ensure({ error, response: response(422, { "x-correlation-id": "c0ffee" }) }, "create server web-1");
    expect(act).toThrow(HetznerApiError);
    expect(act).toThrow(
      [
        "Hetzner API: create server web-1 failed: invalid input in fields 'name', 'server_type' (invalid_input, HTTP 422, correlation id c0ffee)",
        "  name: must be a valid hostname; too long",
        "  server_type: invalid",
      ].join("\n"),
    );
  });

  it("keeps code, status and correlation id for callers to branch on", () => {
    const error = {
      error: { code: "uniqueness_error", message: "SSH key with the same fingerprint already exists" },
    };
    try {
      ensure({ error, response: response(409) }, "create SSH key k");
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({
        code: "uniqueness_error",
        status: 409,
        correlationId: null,
        doing: "create SSH key k",
        details: null,
      });
      expect((e as Error).message).toBe(
        "Hetzner API: create SSH key k failed: SSH key with the same fingerprint already exists (uniqueness_error, HTTP 409)",
      );
    }
  });

  it("falls back to the HTTP status when the body is not a Hetzner error", () => {
    expect(() => ensure({ response: response(503, {}, "Service Unavailable") }, "list servers")).toThrow(
      "Hetzner API: list servers failed: Service Unavailable (http_503, HTTP 503)",
    );
  });

  it("throws for an error status even when there is data", () => {
    expect(() => ensure({ data: {}, response: response(500) }, "x")).toThrow(HetznerApiError);
  });
});

describe("isNotFound", () => {
  it.each([
    [404, true],
    [200, false],
    [410, false],
  ])("HTTP %i: %s", (status, notFound) => {
    expect(isNotFound({ response: response(status) })).toBe(notFound);
  });
});

describe("retries", () => {
  it("repeats a POST refused as locked (another action holds the object) until it goes through", async () => {
    const { createServer } = await import("node:http");
    const { createHetznerClient } = await import("../../../../src/providers/hetzner/client.ts");
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const locked = seen.length <= 2;
      res.writeHead(locked ? 423 : 201, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          locked
            ? { error: { code: "locked", message: "network 1 is locked by a running action", details: {} } }
            : { action: { id: 9, command: "attach_to_network", status: "running" } },
        ),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const hetzner = createHetznerClient({ endpoint: `http://127.0.0.1:${port}`, token: "t" });
      const result = await hetzner.POST("/servers/{id}/actions/attach_to_network", {
        params: { path: { id: 5 } },
        body: { network: 1 },
      });
      expect(result.response.status).toBe(201);
      expect(seen).toEqual(Array(3).fill("POST /servers/5/actions/attach_to_network"));
    } finally {
      server.close();
    }
  });
});
