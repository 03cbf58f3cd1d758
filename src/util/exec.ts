/**
 * Runs a local program and collects its output. The one place slipway spawns processes on the machine
 * it runs on (docker, openssl, iptables for the sandbox; docker build for images). Never uses a shell:
 * argv goes to the program as is, so nothing needs quoting.
 */
import { spawn } from "node:child_process";

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for binary output such as a tar archive. */
  stdoutBytes: Buffer;
}

export interface ExecOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Called with each chunk of stderr+stdout as it arrives (progress for long builds). */
  onOutput?: (chunk: string) => void;
}

export class ExecError extends Error {
  readonly result: ExecResult;
  readonly argv: readonly string[];
  constructor(argv: readonly string[], result: ExecResult) {
    const detail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-8).join("\n");
    super(`${argv.slice(0, 3).join(" ")} exited with code ${result.code}${detail ? `: ${detail}` : ""}`);
    this.name = "ExecError";
    this.argv = argv;
    this.result = result;
  }
}

/** Runs argv and resolves with its exit code and output, whatever the code. Rejects if it cannot start. */
export function exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [program, ...args] = argv;
  if (!program) throw new Error("exec: empty argv");
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ["pipe", "pipe", "pipe"],
      timeout: options.timeoutMs,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      out.push(chunk);
      options.onOutput?.(chunk.toString());
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err.push(chunk);
      options.onOutput?.(chunk.toString());
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") reject(new Error(`${program} is not installed or not on PATH`));
      else reject(error);
    });
    child.on("close", (code, signal) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: stdoutBytes.toString(),
        stderr: Buffer.concat(err).toString(),
        stdoutBytes,
      });
    });
    child.stdin.on("error", () => {}); // the program may exit before reading all its input
    child.stdin.end(options.input ?? "");
  });
}

/** Runs argv and returns stdout; a non-zero exit rejects with an ExecError carrying the output. */
export async function run(argv: readonly string[], options: ExecOptions = {}): Promise<string> {
  const result = await exec(argv, options);
  if (result.code !== 0) throw new ExecError(argv, result);
  return result.stdout;
}
