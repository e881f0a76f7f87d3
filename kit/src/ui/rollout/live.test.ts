import { describe, expect, it } from "vitest";
import type { KitEvent } from "../../engine/events.ts";
import type { ProbeStats } from "../../rollout/probe/index.ts";
import { formatRolloutEvent } from "../plain/rollout-printer.ts";
import {
  initialRolloutLiveState,
  type RolloutLiveEvent,
  reduceRolloutEvent,
  reduceRolloutLive,
  rolloutToView,
} from "./live.ts";

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const zero = { started: 0, ok: 0, failed: 0, open: 0, connected: 0 };
const stats = (): ProbeStats => ({
  "http-reused": { ...zero, started: 120, ok: 117, failed: 3, open: 2 },
  "http-fresh": { ...zero, started: 40, ok: 40 },
  slow: { ...zero, started: 4, ok: 2, open: 2 },
  sse: { ...zero, started: 5, ok: 1, open: 4, connected: 4 },
  ws: { ...zero, started: 4, open: 4, connected: 4 },
});

const events: RolloutLiveEvent[] = [
  {
    app: "go-app",
    run: 1,
    event: { type: "phase", time: T0, phase: "warmup", message: "traffic warming up" },
  },
  {
    app: "go-app",
    run: 1,
    event: {
      type: "timeline",
      time: T0 + 100,
      event: { time: T0 + 100, kind: "pod-ready", pod: "go-app-old", initial: true },
    },
  },
  {
    app: "go-app",
    run: 1,
    event: { type: "phase", time: T0 + 2000, phase: "upgrading", message: "helm upgrade" },
  },
  {
    app: "go-app",
    run: 1,
    event: {
      type: "timeline",
      time: T0 + 2500,
      event: { time: T0 + 2500, kind: "pod-created", pod: "go-app-new" },
    },
  },
  {
    app: "go-app",
    run: 1,
    event: {
      type: "timeline",
      time: T0 + 6000,
      event: { time: T0 + 6000, kind: "pod-terminating", pod: "go-app-old", detail: "grace 30 s" },
    },
  },
  {
    app: "go-app",
    run: 1,
    event: {
      type: "failure",
      time: T0 + 6100,
      record: { id: 7, kind: "http-reused", worker: 0, start: T0 + 6000, end: T0 + 6100, outcome: "refused" },
    },
  },
  {
    app: "go-app",
    run: 1,
    event: {
      type: "failure",
      time: T0 + 6200,
      record: { id: 8, kind: "http-reused", worker: 1, start: T0 + 6000, end: T0 + 6200, outcome: "refused" },
    },
  },
  {
    app: "go-app",
    run: 1,
    event: {
      type: "failure",
      time: T0 + 6300,
      record: { id: 9, kind: "ws", worker: 0, start: T0, end: T0 + 6300, outcome: "abrupt", closeCode: 1006 },
    },
  },
  { app: "go-app", run: 1, event: { type: "traffic", time: T0 + 7000, stats: stats() } },
];

describe("rollout live view", () => {
  it("counts traffic, groups failures and keeps the timeline of the current run", () => {
    const state = events.reduce(reduceRolloutLive, initialRolloutLiveState(5));
    const view = rolloutToView(state, T0 + 8000);
    expect(view.title).toBe("kit rollout go-app · run 1/5 · 8.0s");
    expect(view.phase).toBe("upgrading (6.0s): helm upgrade");
    expect(view.traffic.find((r) => r.kind === "http-reused")).toEqual({
      kind: "http-reused",
      started: 120,
      ok: 117,
      failed: 3,
      open: 2,
    });
    // Streams show how many are connected.
    expect(view.traffic.find((r) => r.kind === "ws")?.open).toBe(4);
    expect(view.failures).toEqual([
      { what: "http-reused refused", count: 2 },
      { what: "ws abrupt", count: 1 },
    ]);
    // State that held before the watch started is not news; the rest is, with offsets from the run's start.
    expect(view.timeline).toEqual([
      { at: "+2.5s", text: "pod-created go-app-new" },
      { at: "+6.0s", text: "pod-terminating go-app-old grace 30 s" },
    ]);
  });

  it("copies traffic counts: the probe mutates its live object", () => {
    const live = stats();
    const state = reduceRolloutLive(initialRolloutLiveState(1), {
      app: "a",
      run: 1,
      event: { type: "traffic", time: T0, stats: live },
    });
    live["http-reused"].failed = 99;
    expect(state.stats?.["http-reused"].failed).toBe(3);
  });

  it("starts afresh for the next run and keeps each finished run's verdict", () => {
    let state = events.reduce(reduceRolloutLive, initialRolloutLiveState(2));
    state = { ...state, finished: [{ app: "go-app", run: 1, ok: false, causes: ["no-prestop (2)"] }] };
    state = reduceRolloutLive(state, {
      app: "go-app",
      run: 2,
      event: { type: "phase", time: T0 + 60_000, phase: "warmup", message: "again" },
    });
    const view = rolloutToView(state, T0 + 61_000);
    expect(view.title).toBe("kit rollout go-app · run 2/2 · 1.0s");
    expect(view.failures).toEqual([]);
    expect(view.timeline).toEqual([]);
    expect(view.finished).toEqual([{ label: "go-app run 1", ok: false, causes: "no-prestop (2)" }]);
  });

  it("prints the same events as plain lines, traffic only when verbose", () => {
    const lines = events.map((e) => formatRolloutEvent(e)).filter((l) => l !== undefined);
    expect(lines).toEqual([
      "12:00:00.000 [go-app #1] warmup: traffic warming up",
      "12:00:02.000 [go-app #1] upgrading: helm upgrade",
      "12:00:02.500 [go-app #1] pod-created go-app-new",
      "12:00:06.000 [go-app #1] pod-terminating go-app-old grace 30 s",
      "12:00:06.100 [go-app #1] FAILURE http-reused: refused",
      "12:00:06.200 [go-app #1] FAILURE http-reused: refused",
      "12:00:06.300 [go-app #1] FAILURE ws: abrupt (close 1006)",
    ]);
    expect(formatRolloutEvent(events.at(-1) as RolloutLiveEvent, true)).toMatch(/traffic \{"http-reused"/);
  });

  it("is built from engine events: the run step's rollout data, its verdict; other events change nothing", () => {
    const asData = (e: RolloutLiveEvent): KitEvent => ({
      type: "step-data",
      time: e.event.time,
      step: `run:${e.app}#${e.run}`,
      data: { kind: "rollout-progress", app: e.app, run: e.run, event: e.event },
    });
    let state = events.map(asData).reduce(reduceRolloutEvent, initialRolloutLiveState(1));
    expect(state).toEqual(events.reduce(reduceRolloutLive, initialRolloutLiveState(1)));
    const before = state;
    state = reduceRolloutEvent(state, { type: "step-started", time: T0, step: "gate:go-app" });
    expect(state).toBe(before);
    state = reduceRolloutEvent(state, {
      type: "step-data",
      time: T0 + 9000,
      step: "run:go-app#1",
      data: {
        kind: "rollout-result",
        app: "go-app",
        run: 1,
        ok: false,
        failures: [{ class: "no-prestop", count: 2, cause: "x" }],
        upgradeError: "helm exited with code 1",
      },
    });
    expect(rolloutToView(state, T0 + 9000).finished).toEqual([
      { label: "go-app run 1", ok: false, causes: "no-prestop (2); upgrade: helm exited with code 1" },
    ]);
  });
});
