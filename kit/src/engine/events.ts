/**
 * Engine events: everything a front end shows comes from these. They are plain data (JSON-safe),
 * so the --json printer writes them as they are and tests can record and replay them.
 */

/** StepSummary describes a step when a plan starts. */
export interface StepSummary {
  id: string;
  title: string;
  needs: string[];
}

/** ErrorInfo is a failure as a front end shows it: what failed, why, and what to do. */
export interface ErrorInfo {
  kind: "user" | "external" | "bug";
  message: string;
  hint?: string;
  command?: string;
  exitCode?: number;
  outputTail?: string[];
  stack?: string;
}

/**
 * MAX_LOG_LINE_CHARS bounds one log line in an event. Tools sometimes print megabytes on one line
 * (JSON); a front end only shows a screen's width of it, and measuring it all is slow.
 */
export const MAX_LOG_LINE_CHARS = 4000;

/** clipLogLine shortens a line longer than max, saying how much was cut. */
export function clipLogLine(line: string, max = MAX_LOG_LINE_CHARS): string {
  if (line.length <= max) return line;
  return `${line.slice(0, max)} … (${line.length - max} more characters cut)`;
}

/**
 * StepData is structured data a step publishes about its work, JSON-safe, told apart by kind
 * ("rollout-progress", "rollout-result", "terraform-plan", ...). The engine passes it through;
 * front ends render the kinds they know.
 */
export interface StepData {
  kind: string;
  [field: string]: unknown;
}

/** KitEvent is the union of all events the engine emits. */
export type KitEvent =
  | { type: "plan-started"; time: number; plan: string; steps: StepSummary[] }
  | { type: "step-started"; time: number; step: string }
  | { type: "step-progress"; time: number; step: string; message: string; fraction?: number }
  | { type: "step-log"; time: number; step: string; stream: "stdout" | "stderr" | "info"; line: string }
  | { type: "step-data"; time: number; step: string; data: StepData }
  | { type: "step-succeeded"; time: number; step: string; changed: boolean; summary?: string }
  | { type: "step-failed"; time: number; step: string; error: ErrorInfo }
  | { type: "step-skipped"; time: number; step: string; reason: string }
  | { type: "step-cleanup"; time: number; step: string; ok: boolean; message?: string }
  | { type: "plan-output"; time: number; key: string; label: string; value: string }
  /** A finished plan runs these steps again (a failed one and the dependants it skipped). */
  | { type: "plan-retrying"; time: number; plan: string; steps: string[] }
  | {
      type: "plan-finished";
      time: number;
      plan: string;
      ok: boolean;
      cancelled: boolean;
      durationMs: number;
    };

/** KitEventType names one kind of event. */
export type KitEventType = KitEvent["type"];

/** EventSink receives events; front ends and the state store are sinks. */
export type EventSink = (event: KitEvent) => void;
