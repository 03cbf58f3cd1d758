/**
 * The secrets a deploy job needs, by name only: the clouds' credentials, the SSH key slipway logs in
 * with, and every `secret("NAME")` the stack refers to. Workflows map each to `${{ secrets.NAME }}`,
 * so values live in GitHub's secret store and never in the repository.
 */
import { isSecretRef, type Stack } from "../../config/index.ts";

/** Every secret name the stack refers to, sorted, wherever it is used. */
export function stackSecretNames(stack: Stack): string[] {
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (isSecretRef(value)) names.add(value.secret);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk({ ...stack, environments: {} });
  return [...names].sort();
}

/** The secret holding the private key of `ssh.user`; the job writes it to a 0600 file. */
export const SSH_KEY_SECRET = "SLIPWAY_SSH_PRIVATE_KEY";

/** Credentials slipway reads from the environment, for what the stack uses. */
export function cloudSecretNames(stack: Stack): string[] {
  const names = ["HCLOUD_TOKEN"];
  if (stack.dns) names.push("CLOUDFLARE_API_TOKEN");
  if (Object.keys(stack.buckets).length > 0) names.push("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
  return names;
}
