/**
 * The two kinds of failure users see. A UserError is something the user can fix (bad config or
 * argument, missing token, lock held, failed health check): the CLI prints its message alone, no stack.
 * Anything else is a bug and is printed with its stack.
 * Exit code 2 is for usage and config errors, 1 for everything else (Terraform's convention).
 */
export class UserError extends Error {
  readonly exitCode: 1 | 2;
  /** A line telling the user what to do next (e.g. the command that resumes). */
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: 1 | 2; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "UserError";
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }
}

/** A usage or configuration error: exit code 2. */
export class UsageError extends UserError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { ...options, exitCode: 2 });
    this.name = "UsageError";
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
