/** JSON from places slipway does not fully control (labels, remote output). */

/** Parses `text`, or gives null when it is missing or not JSON, so one bad label fails nothing else. */
export function parseJsonOrNull<T>(text: string | undefined): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
