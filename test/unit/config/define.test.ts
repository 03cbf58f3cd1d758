/**
 * defineStack is for editors: it returns its argument untouched, keeps literal types, and its parameter
 * type rejects mistakes as you type. The `@ts-expect-error` lines are checked by `tsc`, not by vitest.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { defineStack, type SecretRef, type Stack, type StackInput, secret } from "../../../src/index.ts";

describe("defineStack", () => {
  it("returns its argument as it is, with literal types kept", () => {
    const input = { name: "shop", servers: { web: { type: "cx22", image: "debian-12" } } } as const;
    const stack = defineStack(input);
    expect(stack).toBe(input);
    expectTypeOf(stack.servers.web.type).toEqualTypeOf<"cx22">();
  });

  it("types inputs as written and outputs as parsed", () => {
    expectTypeOf<NonNullable<StackInput["services"]>[string]["drain"]>().toEqualTypeOf<
      `${number}${"ms" | "s" | "m" | "h" | "d"}` | undefined
    >();
    expectTypeOf<Stack["services"][string]["drain"]>().toEqualTypeOf<number>();
    expectTypeOf<Stack["services"][string]["env"][string]>().toEqualTypeOf<string | SecretRef>();
    expectTypeOf<Stack["servers"][string]["location"]>().toEqualTypeOf<
      "fsn1" | "nbg1" | "hel1" | "ash" | "hil" | "sin"
    >();
  });

  it("rejects mistakes at compile time", () => {
    const base = { name: "shop", servers: { web: { type: "cx22", image: "debian-12" } } };
    defineStack({
      ...base,
      // @ts-expect-error: a duration needs a unit
      services: { web: { image: "x", servers: ["web"], drain: 30 } },
    });
    defineStack({
      ...base,
      // @ts-expect-error: not a Hetzner location
      location: "fra1",
    });
    defineStack({
      ...base,
      // @ts-expect-error: unknown key
      servers: { web: { type: "cx22", image: "debian-12", helthcheck: {} } },
    });
    defineStack({
      ...base,
      services: { web: { image: "x", servers: ["web"], env: { TOKEN: secret("TOKEN"), PORT: 8080 } } },
      environments: { staging: { servers: { web: { count: 2 } }, loadBalancers: { main: null } } },
    });
    expect(true).toBe(true);
  });
});
