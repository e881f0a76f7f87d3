import type { Outcome } from "../types.ts";

/** FailureClassification is what a thrown network error means for a probe record. */
export interface FailureClassification {
  outcome: Extract<Outcome, "refused" | "reset" | "timeout" | "error" | "stopped">;
  code: string;
}

const RESET_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "UND_ERR_SOCKET",
  "ECONNABORTED",
  "ERR_STREAM_PREMATURE_CLOSE",
]);
const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ESOCKETTIMEDOUT",
]);
const REFUSED_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH"]);

function errorCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string") return code;
  return undefined;
}

/**
 * classifyNetworkError maps an error from undici or ws to an outcome. undici reports a peer that
 * closed before the response ended as UND_ERR_SOCKET ("other side closed") with the socket error,
 * if any, as its cause; the most specific code wins.
 */
export function classifyNetworkError(err: unknown, isStopping: boolean): FailureClassification {
  const outer = errorCode(err);
  const inner = errorCode((err as { cause?: unknown } | undefined)?.cause);
  const code =
    inner !== undefined && inner !== outer && outer === "UND_ERR_SOCKET" ? inner : (outer ?? inner);
  const name = (err as { name?: unknown } | undefined)?.name;
  if (code === "UND_ERR_ABORTED" || code === "ABORT_ERR" || name === "AbortError") {
    return { outcome: isStopping ? "stopped" : "error", code: code ?? "aborted" };
  }
  if (code === undefined) {
    const message = err instanceof Error ? err.message : String(err);
    if (/socket hang up|other side closed|closed before/i.test(message))
      return { outcome: "reset", code: "ECONNRESET" };
    if (/timed out|timeout/i.test(message)) return { outcome: "timeout", code: "ETIMEDOUT" };
    return { outcome: isStopping ? "stopped" : "error", code: message.slice(0, 120) };
  }
  if (REFUSED_CODES.has(code)) return { outcome: "refused", code };
  if (RESET_CODES.has(code) || code.startsWith("HPE_")) return { outcome: "reset", code };
  if (TIMEOUT_CODES.has(code)) return { outcome: "timeout", code };
  return { outcome: isStopping ? "stopped" : "error", code };
}
