/**
 * The live picture of a rollout, built only by reducing engine events (the rollout plan's
 * step-data: "rollout-progress" and "rollout-result"): which app and run, the phase, live traffic
 * counts per probe kind, failures by kind, and the rollout's timeline so far. rolloutToView turns
 * it into plain rows that the Ink view draws and tests read without a terminal. `kit promote`'s
 * re-gate publishes the same data, so the same panel shows it.
 */
import type { KitEvent, StepData } from "../../engine/events.ts";
import type { RolloutProgress } from "../../rollout/index.ts";
import type { KindCounts, ProbeStats } from "../../rollout/probe/index.ts";
import { PROBE_KINDS, type ProbeKind, type TimelineEvent } from "../../rollout/types.ts";
import { formatDuration, printable } from "../view.ts";

/** RolloutLiveEvent is one progress event of one run of one app (run 0: preparing a fault). */
export interface RolloutLiveEvent {
  app: string;
  run: number;
  event: RolloutProgress;
}

/** RunVerdict is how a finished run ended. */
export interface RunVerdict {
  app: string;
  run: number;
  ok: boolean;
  /** Failure classes the analyzer named, e.g. "no-prestop (3 failed requests)". */
  causes: string[];
}

/** RolloutLiveState is everything the live view shows. */
export interface RolloutLiveState {
  startedAt?: number;
  app?: string;
  run: number;
  runs: number;
  phase?: { name: string; message: string; since: number };
  stats?: ProbeStats;
  /** Failures by probe kind and outcome in the current run, e.g. "http-reused refused" -> 3. */
  failures: Record<string, number>;
  /** Timeline events of the current run (the cluster's side), newest last, bounded. */
  timeline: { time: number; text: string }[];
  runStartedAt?: number;
  finished: RunVerdict[];
}

/** timelineText renders a timeline event as one line: kind, pod (or owner), detail. */
export function timelineText(e: TimelineEvent): string {
  return [e.kind, e.pod ?? e.owner, e.detail].filter(Boolean).join(" ");
}

/** MAX_TIMELINE bounds the timeline kept for the view. */
const MAX_TIMELINE = 50;

/** initialRolloutLiveState is the state before any event; runs is how many runs per app. */
export function initialRolloutLiveState(runs: number): RolloutLiveState {
  return { run: 0, runs, failures: {}, timeline: [], finished: [] };
}

function copyStats(stats: ProbeStats): ProbeStats {
  const copy = {} as Record<ProbeKind, KindCounts>;
  for (const kind of PROBE_KINDS) copy[kind] = { ...stats[kind] };
  return copy;
}

/** rolloutLiveEventOf reads a rollout-progress step-data, or undefined for any other data. */
export function rolloutLiveEventOf(data: StepData): RolloutLiveEvent | undefined {
  if (data.kind !== "rollout-progress") return undefined;
  return { app: String(data.app), run: Number(data.run), event: data.event as RolloutProgress };
}

/** reduceRolloutEvent applies one engine event: rollout data moves the picture, the rest is ignored. */
export function reduceRolloutEvent(state: RolloutLiveState, event: KitEvent): RolloutLiveState {
  if (event.type !== "step-data") return state;
  const live = rolloutLiveEventOf(event.data);
  if (live) return reduceRolloutLive(state, live);
  if (event.data.kind === "rollout-result") {
    const failures = (event.data.failures ?? []) as { class: string; count: number }[];
    const verdict: RunVerdict = {
      app: String(event.data.app),
      run: Number(event.data.run),
      ok: event.data.ok === true,
      causes: [
        ...failures.map((f) => `${f.class} (${f.count})`),
        ...(typeof event.data.upgradeError === "string" ? [`upgrade: ${event.data.upgradeError}`] : []),
      ],
    };
    return { ...state, finished: [...state.finished, verdict] };
  }
  return state;
}

/** reduceRolloutLive applies one progress event; it is pure. */
export function reduceRolloutLive(state: RolloutLiveState, live: RolloutLiveEvent): RolloutLiveState {
  const { app, run, event } = live;
  let next = state;
  if (app !== state.app || run !== state.run) {
    next = {
      ...state,
      startedAt: state.startedAt ?? event.time,
      app,
      run,
      phase: undefined,
      stats: undefined,
      failures: {},
      timeline: [],
      runStartedAt: event.time,
    };
  }
  switch (event.type) {
    case "phase":
      return { ...next, phase: { name: event.phase, message: event.message, since: event.time } };
    case "traffic":
      return { ...next, stats: copyStats(event.stats) };
    case "failure": {
      const key = `${event.record.kind} ${event.record.outcome}${event.record.status ? ` ${event.record.status}` : ""}`;
      return { ...next, failures: { ...next.failures, [key]: (next.failures[key] ?? 0) + 1 } };
    }
    case "timeline": {
      if (event.event.initial) return next;
      const text = timelineText(event.event);
      return { ...next, timeline: [...next.timeline, { time: event.event.time, text }].slice(-MAX_TIMELINE) };
    }
    case "helm-log":
      return next;
  }
}

/** RolloutLiveStore holds the state and notifies subscribers (the Ink view); dispatch is an EventSink. */
export class RolloutLiveStore {
  private state: RolloutLiveState;
  private readonly listeners = new Set<(state: RolloutLiveState) => void>();

  constructor(runs: number) {
    this.state = initialRolloutLiveState(runs);
  }

  readonly dispatch = (event: KitEvent): void => {
    const next = reduceRolloutEvent(this.state, event);
    if (next !== this.state) this.update(next);
  };

  getState(): RolloutLiveState {
    return this.state;
  }

  subscribe(listener: (state: RolloutLiveState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private update(state: RolloutLiveState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}

/** RolloutView is what the live view draws. */
export interface RolloutView {
  title: string;
  phase: string;
  /** One row per probe kind: kind, started, ok, failed, open (streams: connected). */
  traffic: { kind: ProbeKind; started: number; ok: number; failed: number; open: number }[];
  failures: { what: string; count: number }[];
  /** The last timeline events, with their offset from the run's start. */
  timeline: { at: string; text: string }[];
  finished: { label: string; ok: boolean; causes: string }[];
}

/** rolloutToView renders the state at time now, showing the last timelineLines events. */
export function rolloutToView(state: RolloutLiveState, now: number, timelineLines = 10): RolloutView {
  const runLabel = state.run === 0 ? "preparing" : `run ${state.run}/${state.runs}`;
  const title = state.app
    ? `kit rollout ${state.app} · ${runLabel} · ${formatDuration(now - (state.runStartedAt ?? now))}`
    : "kit rollout · starting";
  const phase = state.phase
    ? `${state.phase.name} (${formatDuration(now - state.phase.since)}): ${printable(state.phase.message)}`
    : "";
  const traffic = PROBE_KINDS.map((kind) => {
    const counts = state.stats?.[kind] ?? { started: 0, ok: 0, failed: 0, open: 0, connected: 0 };
    return {
      kind,
      started: counts.started,
      ok: counts.ok,
      failed: counts.failed,
      open: kind === "sse" || kind === "ws" ? counts.connected : counts.open,
    };
  });
  const failures = Object.entries(state.failures)
    .map(([what, count]) => ({ what, count }))
    .sort((a, b) => b.count - a.count);
  const origin = state.runStartedAt ?? now;
  const timeline = state.timeline.slice(-timelineLines).map((e) => ({
    at: `+${((e.time - origin) / 1000).toFixed(1)}s`,
    text: printable(e.text),
  }));
  const finished = state.finished.map((v) => ({
    label: `${v.app} run ${v.run}`,
    ok: v.ok,
    causes: v.causes.join("; "),
  }));
  return { title, phase, traffic, failures, timeline, finished };
}
