/** Asks before changing real infrastructure, unless --yes; refuses to guess when nobody can answer. */
import { createInterface } from "node:readline/promises";
import { UsageError } from "../errors.ts";

export async function confirm(question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    throw new UsageError("refusing to change infrastructure without confirmation", {
      hint: "stdin is not a terminal; pass --yes to apply without asking.",
    });
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} Only "yes" will be accepted: `);
    return answer.trim() === "yes";
  } finally {
    rl.close();
  }
}
