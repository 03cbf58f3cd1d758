/**
 * Resolves `secret("NAME")` references at plan/apply time: from the environment first, then from the
 * encrypted secrets file (`slipway secrets set`). All missing secrets are reported at once, each with
 * where it is used. Every value resolved is registered with the redactor, so it is masked in anything
 * slipway prints and sealed wherever it lands in state.
 */
import { isSecretRef, type SecretRef } from "../config/secret.ts";
import { UsageError } from "../errors.ts";
import type { Redactor } from "../secrets/redact.ts";
import type { SecretsFile } from "../secrets/secrets-file.ts";

export interface ResolvedEnv {
  values: Record<string, string>;
  secretKeys: string[];
}

export class SecretResolver {
  private readonly missing = new Map<string, string[]>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly file: SecretsFile | undefined;
  private readonly redactor: Redactor | undefined;

  constructor(
    env: NodeJS.ProcessEnv = process.env,
    sources: { file?: SecretsFile; redactor?: Redactor } = {},
  ) {
    this.env = env;
    this.file = sources.file;
    this.redactor = sources.redactor;
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
    const value = this.env[name] ?? this.file?.get(name);
    if (value === undefined) this.missing.set(name, [...(this.missing.get(name) ?? []), usedAt]);
    else this.redactor?.add(value);
    return value ?? "";
  }

  /** Throws one error naming every secret that has no value. */
  check(): void {
    if (this.missing.size === 0) return;
    const lines = [...this.missing].map(([name, uses]) => `  ${name} (used by ${uses.join(", ")})`);
    throw new UsageError(`${this.missing.size} secret(s) have no value:\n${lines.join("\n")}`, {
      hint: `Export them before running slipway, e.g. export ${[...this.missing.keys()][0]}=…, or store them encrypted with: slipway secrets set ${[...this.missing.keys()][0]}`,
    });
  }
}
