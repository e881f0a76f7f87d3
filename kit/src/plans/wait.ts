/**
 * wait holds the waiting strategies plans use, on kit's one wait (../wait.ts): real checks with a
 * deadline, never a fixed sleep; a timeout says what was waited for, for how long, and what was
 * last seen.
 */
import { done, notYet, waitUntil } from "../wait.ts";

/** fetchFailure names why a fetch failed: the socket error's code (ECONNREFUSED) or its message. */
function fetchFailure(err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code ?? (err instanceof Error ? err.message : String(err));
}

/**
 * servedByOther names the pod that answered when it is not one of release's: the apps send
 * `X-Served-By: <pod>`, and right after a node restart a Service's endpoints can still list old pod
 * IPs that other pods now hold (another app answered `/readyz` with 200). No header: undefined.
 */
export function servedByOther(headers: Headers, release: string | undefined): string | undefined {
  const pod = headers.get("x-served-by");
  if (!release || !pod || pod.startsWith(`${release}-`)) return undefined;
  return pod;
}

/** waitForHttpReady polls url until it answers 2xx, or fails after timeoutMs naming the last answer. */
export async function waitForHttpReady(
  url: string,
  options: {
    signal?: AbortSignal;
    timeoutMs?: number;
    intervalMs?: number;
    onAttempt?: (message: string) => void;
    hint?: string;
    /** The release whose pods must be the ones answering (checked when the answer names its pod). */
    release?: string;
  } = {},
): Promise<void> {
  let attempt = 0;
  await waitUntil({
    what: `${url} to answer 2xx`,
    timeoutMs: options.timeoutMs ?? 60_000,
    intervalMs: options.intervalMs ?? 1_000,
    signal: options.signal,
    hint:
      options.hint ??
      "Check the app's pods and logs (kubectl get pods; kubectl logs), and that the host port is mapped (apps.*.hostPort).",
    onAttempt: (last) => options.onAttempt?.(`waiting for ${url} (attempt ${++attempt}: ${last})`),
    async check(signal) {
      let response: Response;
      try {
        const timeout = AbortSignal.timeout(5_000);
        response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      } catch (err) {
        return notYet(fetchFailure(err));
      }
      await response.body?.cancel();
      const other = servedByOther(response.headers, options.release);
      if (other) return notYet(`answered by pod ${other}, not one of ${options.release}'s (stale endpoints)`);
      return response.ok ? done(undefined) : notYet(`HTTP ${response.status}`);
    },
  });
}
