import { setTimeout as sleep } from "node:timers/promises";

/**
 * Pacer spaces one worker's requests evenly at a rate. When a request overruns its slot the next
 * one goes out at once, without a burst to catch up (the probe measures, it does not load test).
 */
export class Pacer {
  private next = Date.now();
  private readonly intervalMs: number;

  constructor(ratePerSecond: number) {
    this.intervalMs =
      ratePerSecond === Number.POSITIVE_INFINITY || ratePerSecond <= 0 ? 0 : 1000 / ratePerSecond;
  }

  /** wait resolves at the worker's next slot, or at once when the signal aborts. */
  async wait(signal: AbortSignal): Promise<void> {
    if (this.intervalMs === 0) return;
    const now = Date.now();
    this.next = Math.max(this.next + this.intervalMs, now);
    const delay = this.next - now;
    if (delay <= 0 || signal.aborted) return;
    await sleep(delay, undefined, { signal }).catch(() => undefined);
  }
}

/** pause sleeps ms, or less when the signal aborts. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
