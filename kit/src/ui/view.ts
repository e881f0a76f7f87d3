/**
 * view turns engine state into what a front end shows, as plain data. Both the Ink view and the
 * tests use stateToView, so what the terminal shows is tested without a terminal (as Tilt's
 * StateToTerminalView is).
 */
import type { ErrorInfo } from "../engine/events.ts";
import type { StepStatus } from "../engine/runner.ts";
import type { PlanState, StepState } from "../engine/state.ts";

/** StepRowView is one line of the step list. */
export interface StepRowView {
  id: string;
  title: string;
  status: StepStatus;
  symbol: string;
  elapsed: string;
  detail: string;
  fraction?: number;
  selected: boolean;
}

/** PlanView is everything a front end draws. */
export interface PlanView {
  title: string;
  rows: StepRowView[];
  selected?: { id: string; title: string; logs: string[]; error?: ErrorInfo };
  outputs: { label: string; value: string }[];
  counts: Record<StepStatus, number>;
  footer: string;
  finished: boolean;
  ok: boolean;
}

/** STATUS_SYMBOLS are the markers for each status (the spinner replaces running's). */
export const STATUS_SYMBOLS: Record<StepStatus, string> = {
  pending: "·",
  running: "›",
  succeeded: "✓",
  failed: "✗",
  skipped: "-",
};

const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g");

/** MAX_VIEW_LINE_CHARS is wider than any terminal; a row never needs more of a line. */
export const MAX_VIEW_LINE_CHARS = 512;

/**
 * printable keeps what a terminal cell renders predictably: colour codes go, and so do emoji with
 * variation selectors (kind prints "🕹️"), which Ink measures unreliably. It keeps at most
 * MAX_VIEW_LINE_CHARS: Ink measures every character of a text to truncate it, and that cost grows
 * with the square of a line's length (a 19 MB JSON line once froze the view).
 */
export function printable(line: string): string {
  return line
    .slice(0, MAX_VIEW_LINE_CHARS * 2)
    .replace(ANSI_ESCAPE, "")
    .replace(/[^\x20-\x7e\u00a0-\u024f\u2500-\u257f\u2713\u2717]/gu, "")
    .slice(0, MAX_VIEW_LINE_CHARS);
}

/** formatDuration renders milliseconds as 0.4s, 12s or 2m05s. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

function stepDetail(step: StepState): string {
  switch (step.status) {
    case "pending":
      return step.needs.length > 0 ? `waits for ${step.needs.join(", ")}` : "waiting";
    case "running":
      return step.progress?.message ?? step.logs.at(-1)?.line ?? "";
    case "succeeded":
      return step.summary ?? (step.changed ? "done" : "already up to date");
    case "failed":
      return step.error?.message ?? "failed";
    case "skipped":
      return step.skipReason ?? "skipped";
  }
}

/** stateToView renders state at time now; selectedId picks the step whose logs are shown. */
export function stateToView(state: PlanState, now: number, selectedId?: string, logLines = 12): PlanView {
  const counts: Record<StepStatus, number> = { pending: 0, running: 0, succeeded: 0, failed: 0, skipped: 0 };
  const firstFailed = state.order.find((id) => state.steps[id]?.status === "failed");
  const firstRunning = state.order.find((id) => state.steps[id]?.status === "running");
  const selectedStep = selectedId ?? firstFailed ?? firstRunning;
  const rows = state.order.flatMap((id) => {
    const step = state.steps[id];
    if (!step) return [];
    counts[step.status]++;
    const end = step.endedAt ?? now;
    return [
      {
        id,
        title: step.title,
        status: step.status,
        symbol: STATUS_SYMBOLS[step.status],
        elapsed: step.startedAt === undefined ? "" : formatDuration(end - step.startedAt),
        detail: printable(stepDetail(step)),
        fraction: step.status === "running" ? step.progress?.fraction : undefined,
        selected: id === selectedStep,
      },
    ];
  });
  const sel = selectedStep ? state.steps[selectedStep] : undefined;
  const finished = state.finished !== undefined;
  const elapsed =
    state.startedAt === undefined
      ? ""
      : formatDuration(
          (finished ? state.startedAt + (state.finished?.durationMs ?? 0) : now) - state.startedAt,
        );
  const footer = finished
    ? state.finished?.cancelled
      ? `cancelled after ${elapsed}`
      : state.finished?.ok
        ? `all ${rows.length} steps done in ${elapsed}`
        : `${counts.failed} failed, ${counts.skipped} skipped, ${counts.succeeded} done in ${elapsed}`
    : `${counts.succeeded}/${rows.length} done, ${counts.running} running · ${elapsed}`;
  return {
    title: state.plan ?? "",
    rows,
    selected: sel
      ? {
          id: sel.id,
          title: sel.title,
          logs: sel.logs.slice(-logLines).map((l) => printable(l.line)),
          error: sel.error,
        }
      : undefined,
    outputs: state.outputs.map(({ label, value }) => ({ label, value })),
    counts,
    footer,
    finished,
    ok: state.finished?.ok ?? false,
  };
}
