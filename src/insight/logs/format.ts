/**
 * Turns the lines `serviceLogs` prints into what people read: the host (and, when a host runs several
 * containers of the service, which one), the time, and the message; a JSON log line becomes
 * `LEVEL message key=value …` instead of a wall of braces. Pure.
 */

export interface LogLine {
  host: string;
  container: string;
  time: string | null;
  message: string;
}

/** Splits "<container> <RFC 3339 timestamp> <message>" as the host script writes it. */
export function parseLogLine(host: string, raw: string): LogLine {
  const [container = "", rest = ""] = splitOnce(raw, " ");
  const [stamp = "", message = ""] = splitOnce(rest, " ");
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(stamp)) return { host, container, time: stamp, message };
  return { host, container, time: null, message: rest };
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}

const MESSAGE_KEYS = ["msg", "message", "event"];
const LEVEL_KEYS = ["level", "severity", "lvl", "levelname"];
/** Docker already stamped the line; an app's own timestamp only repeats it. */
const TIME_KEYS = ["time", "ts", "timestamp", "@timestamp", "t"];

/** A JSON object log line, pretty; anything else unchanged. */
export function prettyMessage(message: string): string {
  const trimmed = message.trim();
  if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) return message;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return message;
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return message;
  const fields = { ...(value as Record<string, unknown>) };
  const take = (keys: string[]): unknown => {
    const key = keys.find((k) => k in fields);
    if (key === undefined) return undefined;
    const found = fields[key];
    delete fields[key];
    return found;
  };
  const level = take(LEVEL_KEYS);
  const text = take(MESSAGE_KEYS);
  take(TIME_KEYS);
  const rest = Object.entries(fields).map(
    ([k, v]) => `${k}=${typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v)}`,
  );
  return [
    level === undefined ? "" : String(level).toUpperCase(),
    text === undefined ? "" : String(text),
    ...rest,
  ]
    .filter((part) => part.length > 0)
    .join(" ");
}

/** "web-1 | 12:00:01.123 message", the container named too when the host runs several. */
export function formatLogLine(
  line: LogLine,
  options: { width: number; showContainer: boolean },
): { prefix: string; text: string } {
  const who = options.showContainer ? `${line.host}/${line.container}` : line.host;
  const time = line.time ? `${line.time.slice(11, 23)} ` : "";
  return { prefix: `${who.padEnd(options.width)} |`, text: `${time}${prettyMessage(line.message)}` };
}
