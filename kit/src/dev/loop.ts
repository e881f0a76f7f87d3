/**
 * loop is kit dev's heart: saves arrive from a watcher, are batched for a short debounce, mapped
 * to the apps they touch, and handed to apply (which runs `kit up`'s plan for those apps) one
 * batch at a time; saves made while a batch is applied form the next batch. The watcher and
 * apply are passed in, so the loop is tested with fakes.
 */
import { type AppChange, changesOf, type WatchedPath } from "./changes.ts";

/** DevWatcher is a running watch; close stops it. */
export interface DevWatcher {
  close(): void;
}

/** WatchFiles starts watching paths and calls onFile with the absolute path of each saved file. */
export type WatchFiles = (paths: readonly WatchedPath[], onFile: (file: string) => void) => DevWatcher;

/** DevApplied is what applying one batch did. */
export interface DevApplied {
  ok: boolean;
  /** What changed, one line per step (e.g. "image:go-app: built kit.local/go-app:1a2b"). */
  actions: string[];
  error?: string;
}

/** DevEvent is what kit dev reports: JSON-safe, one per line under --json. */
export type DevEvent =
  | { type: "dev-watching"; time: number; apps: string[]; paths: string[] }
  | { type: "dev-change"; time: number; changes: AppChange[] }
  | {
      type: "dev-applied";
      time: number;
      apps: string[];
      ok: boolean;
      ms: number;
      actions: string[];
      error?: string;
    };

/** DevLoopOptions wire the loop to the world. */
export interface DevLoopOptions {
  root: string;
  watched: readonly WatchedPath[];
  watch: WatchFiles;
  /** Makes one batch live; changes say which files of which apps were saved. */
  apply: (changes: AppChange[], signal: AbortSignal) => Promise<DevApplied>;
  onEvent: (event: DevEvent) => void;
  signal: AbortSignal;
  /** Quiet time after the last save before a batch is applied. Default 50 ms: an editor's save (write, or write and rename) lands within a few. */
  debounceMs?: number;
  now?: () => number;
}

/** runDevLoop watches until the signal aborts, applying each batch of saves; it resolves then. */
export async function runDevLoop(options: DevLoopOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const debounceMs = options.debounceMs ?? 50;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let applying: Promise<void> | undefined;

  const flush = async (): Promise<void> => {
    timer = undefined;
    const changes = changesOf(options.watched, options.root, [...pending]);
    pending.clear();
    if (changes.length === 0 || options.signal.aborted) return;
    options.onEvent({ type: "dev-change", time: now(), changes });
    const apps = changes.map((c) => c.app);
    const started = now();
    let applied: DevApplied;
    try {
      applied = await options.apply(changes, options.signal);
    } catch (err) {
      applied = { ok: false, actions: [], error: err instanceof Error ? err.message : String(err) };
    }
    if (options.signal.aborted) return;
    options.onEvent({ type: "dev-applied", time: now(), apps, ms: now() - started, ...applied });
  };

  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      // One batch at a time: saves during a batch wait for it, then form the next one.
      if (applying) return;
      applying = flush().finally(() => {
        applying = undefined;
        if (pending.size > 0) schedule();
      });
    }, debounceMs);
  };

  const watcher = options.watch(options.watched, (file) => {
    pending.add(file);
    schedule();
  });
  options.onEvent({
    type: "dev-watching",
    time: now(),
    apps: [...new Set(options.watched.map((w) => w.app))],
    paths: options.watched.map((w) => w.path),
  });
  try {
    await new Promise<void>((resolve) => {
      if (options.signal.aborted) resolve();
      options.signal.addEventListener("abort", () => resolve(), { once: true });
    });
  } finally {
    watcher.close();
    if (timer) clearTimeout(timer);
    await applying;
  }
}
