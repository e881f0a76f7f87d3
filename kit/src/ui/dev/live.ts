/**
 * live is kit dev's picture for the terminal UI: which apps are watched, and each batch of saves
 * with what it changed, what kit did and how long it took, newest last. DevLiveStore reduces the
 * dev loop's events (the same JSON-safe events `--json` prints); devToView turns the state into
 * rows. Both are pure of the terminal, so they are tested without Ink.
 */
import type { AppChange } from "../../dev/changes.ts";
import type { DevEvent } from "../../dev/loop.ts";

/** DevBatch is one batch of saves and what became of it. */
export interface DevBatch {
  time: number;
  changes: AppChange[];
  status: "applying" | "live" | "failed";
  ms?: number;
  actions: string[];
  error?: string;
}

/** DevLiveState is everything the dev panel shows. */
export interface DevLiveState {
  apps: string[];
  paths: number;
  batches: DevBatch[];
}

/** MAX_BATCHES bounds the batches kept: the panel shows the last few. */
export const MAX_BATCHES = 20;

/** reduceDevState applies one dev event; it is pure. */
export function reduceDevState(state: DevLiveState, event: DevEvent): DevLiveState {
  switch (event.type) {
    case "dev-watching":
      return { ...state, apps: event.apps, paths: event.paths.length };
    case "dev-change":
      return {
        ...state,
        batches: [
          ...state.batches,
          { time: event.time, changes: event.changes, status: "applying" as const, actions: [] },
        ].slice(-MAX_BATCHES),
      };
    case "dev-applied": {
      const batches = [...state.batches];
      const index = batches.findLastIndex((b) => b.status === "applying");
      const batch = batches[index];
      if (!batch) return state;
      batches[index] = {
        ...batch,
        status: event.ok ? "live" : "failed",
        ms: event.ms,
        actions: event.actions,
        ...(event.error ? { error: event.error } : {}),
      };
      return { ...state, batches };
    }
  }
}

/** DevLiveStore holds kit dev's state for the Ink view; dispatch is the dev loop's onEvent. */
export class DevLiveStore {
  private state: DevLiveState = { apps: [], paths: 0, batches: [] };
  private readonly listeners = new Set<(state: DevLiveState) => void>();

  readonly dispatch = (event: DevEvent): void => {
    this.state = reduceDevState(this.state, event);
    for (const listener of this.listeners) listener(this.state);
  };

  getState(): DevLiveState {
    return this.state;
  }

  subscribe(listener: (state: DevLiveState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** DevRow is one line of the panel. */
export interface DevRow {
  key: string;
  clock: string;
  status: DevBatch["status"];
  /** "go-app: source (apps/go-app/main.go)". */
  what: string;
  /** "live in 2.1 s: image:go-app built …" or "applying 3.2 s" or the error. */
  result: string;
}

/** DevView is what the panel renders. */
export interface DevView {
  watching: string;
  rows: DevRow[];
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function describeChange(change: AppChange): string {
  const files =
    change.files.slice(0, 2).join(", ") + (change.files.length > 2 ? `, +${change.files.length - 2}` : "");
  return `${change.app}: ${change.kinds.join("+")} (${files})`;
}

/** devToView shows the last `rows` batches; an applying batch counts its time up to now. */
export function devToView(state: DevLiveState, now: number, rows = 8): DevView {
  const watching =
    state.apps.length === 0
      ? "starting the watch"
      : `watching ${state.apps.join(", ")} (${state.paths} paths): save a file to make it live`;
  return {
    watching,
    rows: state.batches.slice(-rows).map((batch, i) => ({
      key: `${batch.time}-${i}`,
      clock: new Date(batch.time).toISOString().slice(11, 19),
      status: batch.status,
      what: batch.changes.map(describeChange).join("; "),
      result:
        batch.status === "applying"
          ? `applying ${seconds(now - batch.time)}`
          : batch.status === "failed"
            ? `failed after ${seconds(batch.ms ?? 0)}: ${batch.error ?? "see the step logs"}`
            : `live in ${seconds(batch.ms ?? 0)}: ${
                batch.actions.length > 0
                  ? batch.actions.join("; ")
                  : "nothing to do (image and values unchanged)"
              }`,
    })),
  };
}
