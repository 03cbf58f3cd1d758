/**
 * defineStack: the identity function a stack file wraps its default export in. It exists for editors:
 * the `const` type parameter keeps literal names, and `Exact` makes a misspelt key a type error, which a
 * generic parameter alone would let through (TypeScript checks excess keys only against a fixed type).
 * Validation proper (cross references, formats) happens when slipway loads the file.
 */
import type { StackInput } from "./stack.ts";

type Primitive = string | number | boolean | bigint | symbol | null | undefined;
/** Every key of any member of a union (keyof a union gives only the shared ones). */
type KeysOf<S> = S extends unknown ? keyof S : never;
/** The type at key K in whichever union members have it. */
type ValueAt<S, K> = S extends unknown ? (K extends keyof S ? S[K] : never) : never;
type ElementOf<S> = S extends readonly (infer E)[] ? E : never;

/** T, with every key that `S` does not know turned into `never` (so the editor flags it), at any depth. */
export type Exact<T, S> = T extends Primitive
  ? T
  : T extends readonly unknown[]
    ? { [I in keyof T]: Exact<T[I], ElementOf<S>> }
    : { [K in keyof T]: K extends KeysOf<S> ? Exact<T[K], ValueAt<S, K>> : never };

/**
 * Declares a stack.
 * @example export default defineStack({ name: "hello", servers: { web: { type: "cx22", image: "debian-12" } } })
 */
export function defineStack<const T extends StackInput>(stack: T & Exact<T, StackInput>): T {
  return stack;
}
