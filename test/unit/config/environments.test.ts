/**
 * Environments: overrides deep-merged over the stack as written ("production"), each merged stack
 * validated as a whole, and issues reported where the user can fix them.
 */
import { describe, expect, it } from "vitest";
import { mergeOverride, parseStack, secret } from "../../../src/config/index.ts";
import { issuesOf, withStack } from "./helpers.ts";

describe("mergeOverride", () => {
  it.each([
    ["merges objects key by key", { a: { b: 1, c: 2 } }, { a: { c: 3 } }, { a: { b: 1, c: 3 } }],
    ["adds new keys", { a: 1 }, { b: 2 }, { a: 1, b: 2 }],
    ["replaces arrays whole", { a: [1, 2, 3] }, { a: [4] }, { a: [4] }],
    ["removes a key given null", { a: { b: 1, c: 2 } }, { a: { b: null } }, { a: { c: 2 } }],
    ["replaces a secret ref whole", { a: secret("A") }, { a: secret("B") }, { a: { secret: "B" } }],
    ["replaces a string with a secret ref", { a: "plain" }, { a: secret("B") }, { a: { secret: "B" } }],
    ["replaces a secret ref with an object", { a: secret("A") }, { a: { x: 1 } }, { a: { x: 1 } }],
    ["keeps the base for an undefined override", { a: 1 }, undefined, { a: 1 }],
  ])("%s", (_, base, override, merged) => {
    const before = JSON.stringify(base);
    expect(mergeOverride(base, override)).toEqual(merged);
    expect(JSON.stringify(base)).toBe(before);
  });
});

describe("environments", () => {
  const raw = withStack({
    services: { web: { domains: ["shop.example.com"], env: { MODE: "live" } } },
    environments: {
      staging: {
        servers: { web: { type: "cx32", count: 2 } },
        services: { web: { domains: ["staging.shop.example.com"], env: { MODE: "test" } } },
      },
    },
  });

  it("leave the stack as written as the production environment", () => {
    const stack = parseStack(raw);
    expect(stack).toMatchObject({
      name: "shop",
      environment: "production",
      servers: { web: { type: "cx22", count: 1 } },
    });
    expect(Object.keys(stack.environments)).toEqual(["staging"]);
  });

  it("give the merged stack for an environment, renamed so its objects never collide", () => {
    const stack = parseStack(raw, undefined, { environment: "staging" });
    expect(stack).toMatchObject({
      name: "shop-staging",
      environment: "staging",
      servers: { web: { type: "cx32", count: 2, image: "debian-12" } },
      services: { web: { domains: ["staging.shop.example.com"], env: { MODE: "test" }, port: 8080 } },
    });
  });

  it("accept asking for production by name", () => {
    expect(parseStack(raw, undefined, { environment: "production" }).name).toBe("shop");
  });

  it("refuse an environment that is not defined", () => {
    expect(issuesOf(raw, "qa")).toEqual([
      { path: "environments", message: 'no environment "qa"; defined: "production", "staging"' },
    ]);
  });

  it.each([
    [
      "an invalid overridden field, at the override",
      { staging: { servers: { web: { type: 22 } } } },
      [
        {
          path: "environments.staging.servers.web.type",
          message: 'expected a Hetzner server type such as "cx22"',
        },
      ],
    ],
    [
      "an unknown key in an override, with a suggestion",
      { staging: { servers: { web: { cuont: 2 } } } },
      [{ path: "environments.staging.servers.web.cuont", message: 'unknown key; did you mean "count"?' }],
    ],
    [
      "a reference the override broke, at the reference, naming the environment",
      { staging: { servers: { web: null, app: { type: "cx22", image: "debian-12" } } } },
      [
        {
          path: "services.web.servers[0]",
          message: 'unknown server group "web"; defined: "app" (in environment "staging")',
        },
      ],
    ],
    [
      "an override of the name",
      { staging: { name: "other" } },
      [
        {
          path: "environments.staging.name",
          message: 'cannot be overridden; the staging stack is named "<name>-staging"',
        },
      ],
    ],
    [
      "an environment called production",
      { production: {} },
      [
        {
          path: "environments.production",
          message:
            'invalid name: "production" is the stack as written; name overrides for another environment such as "staging"',
        },
      ],
    ],
  ] as [string, Record<string, unknown>, unknown][])("report %s", (_, environments, issues) => {
    expect(issuesOf(withStack({ environments }))).toEqual(issues);
  });

  it("report a problem of the stack as written once, not once per environment", () => {
    const issues = issuesOf(
      withStack({ servers: { web: { type: 22 } }, environments: { staging: {}, qa: {} } }),
    );
    expect(issues).toEqual([
      { path: "servers.web.type", message: 'expected a Hetzner server type such as "cx22"' },
    ]);
  });

  it("refuse a stack name that would grow past 40 characters", () => {
    const issues = issuesOf(withStack({ name: "a".repeat(35), environments: { staging: {} } }));
    expect(issues).toEqual([
      {
        path: "environments.staging",
        message: `the stack would be named "${"a".repeat(35)}-staging", longer than 40 characters; shorten one of the names`,
      },
    ]);
  });
});

describe("environments and unknown keys", () => {
  it("report an unknown key once, where it was written", () => {
    const raw = withStack({
      servers: { web: { typo: 1 } },
      environments: { staging: { servers: { web: { count: 2, cuont: 3 } } } },
    });
    expect(issuesOf(raw)).toEqual([
      { path: "servers.web.typo", message: 'unknown key; did you mean "type"?' },
      { path: "environments.staging.servers.web.cuont", message: 'unknown key; did you mean "count"?' },
    ]);
  });
});

describe("environments and DNS records", () => {
  const dns = (records: unknown[]) => ({ zone: "shop.example.com", records });
  const www = { name: "www", server: "web" };

  it("refuse an environment that inherits production's records", () => {
    expect(issuesOf(withStack({ dns: dns([www]), environments: { staging: {} } }))).toEqual([
      {
        path: "environments.staging.dns.records",
        message:
          '"www.shop.example.com" (A) is also production\'s; each environment needs its own DNS names, or visitors of one reach the other: override dns.records (or drop them with dns: null)',
      },
    ]);
  });

  it("refuse two environments that claim the same name, naming the first", () => {
    const staging = { dns: { records: [{ name: "staging", server: "web" }] } };
    const issues = issuesOf(withStack({ dns: dns([www]), environments: { staging, preview: staging } }));
    expect(issues).toEqual([
      expect.objectContaining({
        path: "environments.preview.dns.records",
        message: expect.stringMatching(/^"staging\.shop\.example\.com" \(A\) is also staging's;/),
      }),
    ]);
  });

  it.each([
    ["its own names", { dns: { records: [{ name: "staging", server: "web" }] } }],
    ["no records", { dns: null }],
    ["another TXT value at the same name", { dns: { records: [{ name: "@", type: "TXT", value: "v=2" }] } }],
  ])("accept an environment with %s", (_, staging) => {
    const txt = { name: "@", type: "TXT", value: "v=1" };
    expect(issuesOf(withStack({ dns: dns([www, txt]), environments: { staging } }))).toEqual([]);
  });
});
