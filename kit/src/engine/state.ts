import type { ErrorInfo, KitEvent } from "./events.ts";
import type { StepStatus } from "./runner.ts";

/** StepState is what the front ends know about one step. */
export interface StepState {
  id: string;
  title: string;
  needs: string[];
  status: StepStatus;
  startedAt?: number;
  endedAt?: number;
  changed?: boolean;
  summary?: string;
  progress?: { message: string; fraction?: number };
  skipReason?: string;
  error?: ErrorInfo;
  /** The last log lines, bounded. */
  logs: { time: number; stream: string; line: string }[];
}

/** PlanState is the whole picture a front end renders; built only by reducing events. */
export interface PlanState {
  plan?: string;
  startedAt?: number;
  finished?: { ok: boolean; cancelled: boolean; durationMs: number };
  order: string[];
  steps: Record<string, StepState>;
  outputs: { key: string; label: string; value: string }[];
}

/** MAX_LOG_LINES bounds the log lines kept per step in memory. */
export const MAX_LOG_LINES = 500;

/** initialPlanState is the state before any event. */
export function initialPlanState(): PlanState {
  return { order: [], steps: {}, outputs: [] };
}

function updateStep(state: PlanState, id: string, change: (s: StepState) => StepState): PlanState {
  const current = state.steps[id];
  if (!current) return state;
  return { ...state, steps: { ...state.steps, [id]: change(current) } };
}

/** reducePlanState applies one event to the state; it is pure. */
export function reducePlanState(state: PlanState, event: KitEvent): PlanState {
  switch (event.type) {
    case "plan-started":
      return {
        plan: event.plan,
        startedAt: event.time,
        order: event.steps.map((s) => s.id),
        steps: Object.fromEntries(
          event.steps.map((s) => [
            s.id,
            { id: s.id, title: s.title, needs: s.needs, status: "pending", logs: [] },
          ]),
        ),
        outputs: [],
      };
    case "step-started":
      return updateStep(state, event.step, (s) => ({
        ...s,
        status: "running",
        startedAt: event.time,
        endedAt: undefined,
        error: undefined,
        skipReason: undefined,
        progress: undefined,
      }));
    case "step-progress":
      return updateStep(state, event.step, (s) => ({
        ...s,
        progress: { message: event.message, fraction: event.fraction },
      }));
    case "step-log":
      return updateStep(state, event.step, (s) => ({
        ...s,
        logs: [...s.logs, { time: event.time, stream: event.stream, line: event.line }].slice(-MAX_LOG_LINES),
      }));
    case "step-succeeded":
      return updateStep(state, event.step, (s) => ({
        ...s,
        status: "succeeded",
        endedAt: event.time,
        changed: event.changed,
        summary: event.summary,
      }));
    case "step-failed":
      return updateStep(state, event.step, (s) => ({
        ...s,
        status: "failed",
        endedAt: event.time,
        error: event.error,
      }));
    case "step-skipped":
      return updateStep(state, event.step, (s) => ({
        ...s,
        status: "skipped",
        endedAt: event.time,
        skipReason: event.reason,
      }));
    case "step-cleanup":
    case "step-data":
      return state;
    case "plan-output":
      return {
        ...state,
        outputs: [
          ...state.outputs.filter((o) => o.key !== event.key),
          { key: event.key, label: event.label, value: event.value },
        ],
      };
    case "plan-retrying": {
      const steps = { ...state.steps };
      for (const id of event.steps) {
        const step = steps[id];
        if (!step) continue;
        steps[id] = {
          ...step,
          status: "pending",
          startedAt: undefined,
          endedAt: undefined,
          error: undefined,
          skipReason: undefined,
          progress: undefined,
          logs: [],
        };
      }
      return { ...state, steps, finished: undefined };
    }
    case "plan-finished":
      return {
        ...state,
        finished: { ok: event.ok, cancelled: event.cancelled, durationMs: event.durationMs },
      };
  }
}

/** PlanStore holds the current PlanState and notifies subscribers; the Ink view subscribes to it. */
export class PlanStore {
  private state: PlanState = initialPlanState();
  private readonly listeners = new Set<(state: PlanState) => void>();

  /** dispatch is an EventSink: give it to the runner. */
  readonly dispatch = (event: KitEvent): void => {
    this.state = reducePlanState(this.state, event);
    for (const listener of this.listeners) listener(this.state);
  };

  getState(): PlanState {
    return this.state;
  }

  subscribe(listener: (state: PlanState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
