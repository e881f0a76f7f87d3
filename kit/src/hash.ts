import { createHash } from "node:crypto";

/** stableStringify renders JSON with object keys sorted, so equal values always hash the same. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** inputsHash is the cache key of anything kit builds: a short sha256 of its inputs. */
export function inputsHash(inputs: unknown, length = 16): string {
  return createHash("sha256").update(stableStringify(inputs)).digest("hex").slice(0, length);
}
