/**
 * wait holds the waiting strategies plans use: real checks with a deadline, never a fixed sleep;
 * a timeout says what was waited for, for how long, and what was last seen.
 */
import { CancelledError, UserError } from "../errors.ts";

/** waitForHttpReady polls url until it answers 2xx, or fails after timeoutMs naming the last answer. */
export async function waitForHttpReady(
  url: string,
  options: {
    signal?: AbortSignal;
    timeoutMs?: number;
    intervalMs?: number;
    onAttempt?: (message: string) => void;
  } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new CancelledError(`cancelled while waiting for ${url}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await response.body?.cancel();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      last = cause?.code ?? (err instanceof Error ? err.message : String(err));
    }
    options.onAttempt?.(`waiting for ${url} (attempt ${attempt}: ${last})`);
    if (Date.now() >= deadline) {
      throw new UserError(
        `${url} did not answer 2xx within ${Math.round(timeoutMs / 1000)} s (last: ${last}).`,
        {
          hint: "Check the app's pods and logs (kubectl get pods; kubectl logs), and that the host port is mapped (apps.*.hostPort).",
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1_000));
  }
}
