/**
 * Server names must be valid hostnames per RFC 1123 (the spec on `name` of create and update server):
 * dot-separated labels of letters, digits and hyphens, each 1-63 characters, not starting or ending
 * with a hyphen, 253 characters at most in total. RFC 1123 allows a label to start with a digit.
 */
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function isValidHostname(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split(".").every((label) => LABEL.test(label));
}
