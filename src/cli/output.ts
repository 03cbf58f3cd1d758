/**
 * Everything the CLI prints goes through here: stdout for results, stderr for progress and errors,
 * colour only on a TTY and never when NO_COLOR or --no-color is set. Every secret value this process
 * has seen is masked as (sensitive), whatever path it took into the text.
 */
import { stripVTControlCharacters, styleText } from "node:util";
import { printedSecrets } from "../secrets/redact.ts";

type Style = Parameters<typeof styleText>[0];

let colorEnabled = process.stdout.isTTY === true && !process.env.NO_COLOR;

export function setColor(enabled: boolean): void {
  colorEnabled = enabled && !process.env.NO_COLOR;
}

export function paint(style: Style, text: string): string {
  return colorEnabled ? styleText(style, text, { validateStream: false }) : text;
}

/** Text from elsewhere (citty's usage) without colour codes when colour is off. */
export function plain(text: string): string {
  return colorEnabled ? text : stripVTControlCharacters(text);
}

export function out(text = ""): void {
  process.stdout.write(`${printedSecrets.text(text)}\n`);
}

export function err(text = ""): void {
  process.stderr.write(`${printedSecrets.text(text)}\n`);
}

export function json(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** A progress line on stderr, so stdout stays clean for --json and pipes. */
export function progress(line: string): void {
  err(paint("dim", line));
}

export function warn(text: string): void {
  err(`${paint("yellow", "Warning:")} ${text}`);
}
