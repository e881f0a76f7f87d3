/**
 * singleFlight runs one piece of work per key at a time within this process: a caller that asks
 * for a key already being made waits for that run instead of starting its own (six `kit up` steps
 * used to debootstrap the same Debian base side by side on a new machine). Each caller keeps its
 * own cancellation: a waiter that is cancelled stops waiting at once, and when the run it joined
 * was cancelled by its own caller, the waiter starts the work itself rather than inherit a
 * cancellation it never asked for.
 */
import { CancelledError } from "./errors.ts";

/** FlightOptions are one caller's cancellation and log hooks. */
export interface FlightOptions {
  signal?: AbortSignal;
  /** Told once when this caller waits on a run another caller started. */
  onJoin?: () => void;
}

/** SingleFlight shares in-progress work by key. */
export interface SingleFlight<T> {
  /** do runs work for key unless a run for key is in progress, in which case it waits for that one. */
  do(key: string, work: () => Promise<T>, options?: FlightOptions): Promise<T>;
  /** The keys being made now. */
  inProgress(): string[];
}

/** abortable waits for promise, or rejects with CancelledError as soon as signal aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new CancelledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new CancelledError());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

/** createSingleFlight returns an empty set of flights. */
export function createSingleFlight<T>(): SingleFlight<T> {
  const flights = new Map<string, Promise<T>>();
  return {
    async do(key, work, options = {}) {
      let joined = false;
      for (;;) {
        const running = flights.get(key);
        if (!running) break;
        if (!joined) options.onJoin?.();
        joined = true;
        try {
          return await abortable(running, options.signal);
        } catch (err) {
          // Our own cancellation, or a real failure of the work: both are ours to report.
          if (options.signal?.aborted || !(err instanceof CancelledError)) throw err;
          // The run we joined was cancelled by the caller that started it: try again ourselves.
        }
      }
      if (options.signal?.aborted) throw new CancelledError();
      const flight = work();
      flights.set(key, flight);
      try {
        return await flight;
      } finally {
        if (flights.get(key) === flight) flights.delete(key);
      }
    },
    inProgress: () => [...flights.keys()],
  };
}
