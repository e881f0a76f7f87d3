/**
 * wait is kit's one way to wait for the world to reach a state: poll a real check until it holds,
 * a deadline passes or the wait is cancelled, and fail naming what was awaited, for how long, and
 * what the last check saw (as testcontainers' wait strategies do). The clock is injected so tests
 * run without real time.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { CancelledError, errorMessage, KitError } from "./errors.ts";

/** Clock is time as waits see it: the real one, or a fake in tests. */
export interface Clock {
  now(): number;
  /** Resolves after ms, or rejects when signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** systemClock is real time. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal === undefined ? undefined : { signal }),
};

/** WaitCheck is one look at the world: done with a value, or not yet with what was seen. */
export type WaitCheck<T> = { done: true; value: T } | { done: false; last: string };

/** WaitOptions say what to wait for and for how long. */
export interface WaitOptions<T> {
  /** What is awaited, as a phrase: "pods of go-app to finish terminating". */
  what: string;
  /** Looks once. A thrown error counts as "not yet" (its message is what was seen). */
  check: (signal: AbortSignal | undefined) => Promise<WaitCheck<T>>;
  timeoutMs: number;
  /** Pause between looks. Default 500 ms. */
  intervalMs?: number;
  signal?: AbortSignal;
  clock?: Clock;
  /** Told what each look saw (for progress lines). */
  onAttempt?: (last: string) => void;
  /** What to do when the wait times out, for the error's hint. */
  hint?: string;
}

/** WaitTimeoutError says what was awaited, for how long, and what the last look saw. */
export class WaitTimeoutError extends KitError {
  constructor(
    readonly what: string,
    readonly waitedMs: number,
    readonly last: string,
    hint?: string,
  ) {
    super("external", `waited ${formatSeconds(waitedMs)} for ${what}; last seen: ${last || "nothing"}`, {
      hint,
    });
  }
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** now returns a ready check result. */
export function done<T>(value: T): WaitCheck<T> {
  return { done: true, value };
}

/** notYet returns a not-ready check result saying what was seen. */
export function notYet(last: string): WaitCheck<never> {
  return { done: false, last };
}

/**
 * waitUntil looks until check says done and returns its value. It throws WaitTimeoutError after
 * timeoutMs, and CancelledError as soon as signal aborts (also in the middle of a pause).
 */
export async function waitUntil<T>(options: WaitOptions<T>): Promise<T> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const interval = options.intervalMs ?? 500;
  let last = "";
  for (;;) {
    if (options.signal?.aborted) throw new CancelledError(`cancelled while waiting for ${options.what}`);
    try {
      const result = await options.check(options.signal);
      if (result.done) return result.value;
      last = result.last;
    } catch (err) {
      if (err instanceof CancelledError || options.signal?.aborted) {
        throw new CancelledError(`cancelled while waiting for ${options.what}`);
      }
      last = errorMessage(err);
    }
    options.onAttempt?.(last);
    const waited = clock.now() - started;
    if (waited >= options.timeoutMs) throw new WaitTimeoutError(options.what, waited, last, options.hint);
    try {
      await clock.sleep(Math.min(interval, options.timeoutMs - waited), options.signal);
    } catch {
      throw new CancelledError(`cancelled while waiting for ${options.what}`);
    }
  }
}

/** fakeClock is a Clock for tests: sleep advances time at once. */
export function fakeClock(start = 0): Clock & { advance(ms: number): void } {
  let time = start;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      time += ms;
    },
  };
}
