/**
 * Resolves `secret("NAME")` references to their values from the environment at plan/apply time. All
 * missing secrets are reported at once, each with where it is used; values are never printed.
 */
import { isSecretRef, type SecretRef } from "../config/secret.ts";
import { UsageError } from "../errors.ts";

export interface ResolvedEnv {
  values: Record<string, string>;
  secretKeys: string[];
}

export class SecretResolver {
  private readonly missing = new Map<string, string[]>();
  private readonly env: NodeJS.ProcessEnv;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.env = env;
  }

  resolveEnv(env: Record<string, string | SecretRef>, where: string): ResolvedEnv {
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(env)) {
      if (isSecretRef(value)) {
        secretKeys.push(key);
        values[key] = this.value(value.secret, `${where}.${key}`);
      } else {
        values[key] = value;
      }
    }
    return { values, secretKeys };
  }

  private value(name: string, usedAt: string): string {
    const value = this.env[name];
    if (value === undefined) this.missing.set(name, [...(this.missing.get(name) ?? []), usedAt]);
    return value ?? "";
  }

  /** Throws one error naming every secret that has no value. */
  check(): void {
    if (this.missing.size === 0) return;
    const lines = [...this.missing].map(([name, uses]) => `  ${name} (used by ${uses.join(", ")})`);
    throw new UsageError(`${this.missing.size} secret(s) have no value:\n${lines.join("\n")}`, {
      hint: `Export them before running slipway, e.g. export ${[...this.missing.keys()][0]}=…`,
    });
  }
}
