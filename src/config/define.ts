/**
 * defineStack: the identity function a stack file wraps its default export in. It exists for editors:
 * the `const` type parameter keeps literal names, and the constraint checks every field as you type.
 * Validation proper (cross references, formats) happens when slipway loads the file.
 */
import type { StackInput } from "./stack.ts";

/**
 * Declares a stack.
 * @example export default defineStack({ name: "hello", servers: { web: { type: "cx22", image: "debian-12" } } })
 */
export function defineStack<const T extends StackInput>(stack: T): T {
  return stack;
}
