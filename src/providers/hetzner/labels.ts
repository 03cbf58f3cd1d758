/**
 * Ownership labels on every cloud object slipway creates. They make objects findable after a crash
 * (state lost the id, the labels did not) and keep slipway's hands off objects it did not make.
 */
export const STACK_LABEL = "slipway/stack";
export const RESOURCE_LABEL = "slipway/resource";

export function ownershipLabels(stack: string, resource: string): Record<string, string> {
  return { [STACK_LABEL]: stack, [RESOURCE_LABEL]: resource };
}

export function ownershipSelector(labels: Record<string, string>): string {
  return `${STACK_LABEL}=${labels[STACK_LABEL]},${RESOURCE_LABEL}=${labels[RESOURCE_LABEL]}`;
}

/** A Hetzner label value: ≤ 63 chars, alphanumeric at both ends, [-_.] inside. */
export function labelValue(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "") || "x";
}
