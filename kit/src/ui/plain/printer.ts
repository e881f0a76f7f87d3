/**
 * The plain printer is the front end for CI and pipes: one timestamped line per event, failures
 * with their command, output tail and hint, and the plan's outputs at the end.
 */
import type { ErrorInfo, EventSink, KitEvent } from "../../engine/events.ts";
import { formatStepData } from "./step-data.ts";

/** PlainPrinterOptions tune the plain printer. */
export interface PlainPrinterOptions {
  write: (text: string) => void;
  /** Print every log line of every step (default: only for failed steps, at the end). */
  verbose?: boolean;
}

/** timestamp renders an event time as HH:MM:SS.mmm in UTC. */
export function timestamp(time: number): string {
  return new Date(time).toISOString().slice(11, 23);
}

/** formatError renders an ErrorInfo as indented lines: message, command, output, hint. */
export function formatError(error: ErrorInfo, indent = "    "): string[] {
  const lines = [`${indent}error: ${error.message}`];
  if (error.command)
    lines.push(
      `${indent}command: ${error.command}${error.exitCode === undefined ? "" : ` (exit ${error.exitCode})`}`,
    );
  if (error.outputTail?.length) {
    lines.push(`${indent}last output:`);
    for (const line of error.outputTail) lines.push(`${indent}  | ${line}`);
  }
  if (error.hint) lines.push(`${indent}hint: ${error.hint}`);
  if (error.stack && error.kind === "bug")
    lines.push(`${indent}${error.stack.split("\n").join(`\n${indent}`)}`);
  return lines;
}

/** createPlainPrinter returns an EventSink that writes plain lines. */
export function createPlainPrinter(options: PlainPrinterOptions): EventSink {
  const titles = new Map<string, string>();
  const out = (time: number, text: string): void => options.write(`${timestamp(time)} ${text}\n`);
  return (event: KitEvent) => {
    switch (event.type) {
      case "plan-started":
        for (const s of event.steps) titles.set(s.id, s.title);
        out(event.time, `${event.plan}: ${event.steps.length} steps`);
        break;
      case "step-started":
        out(event.time, `[${event.step}] started`);
        break;
      case "step-progress":
        out(
          event.time,
          `[${event.step}] ${event.message}${event.fraction === undefined ? "" : ` (${Math.round(event.fraction * 100)}%)`}`,
        );
        break;
      case "step-log":
        if (options.verbose || event.stream === "info") out(event.time, `[${event.step}] ${event.line}`);
        break;
      case "step-data":
        for (const line of formatStepData(event, options.verbose)) options.write(`${line}\n`);
        break;
      case "step-succeeded":
        out(
          event.time,
          `[${event.step}] ok${event.changed ? "" : " (unchanged)"}${event.summary ? `: ${event.summary}` : ""}`,
        );
        break;
      case "step-failed":
        out(event.time, `[${event.step}] FAILED`);
        for (const line of formatError(event.error)) options.write(`${line}\n`);
        break;
      case "step-skipped":
        out(event.time, `[${event.step}] skipped: ${event.reason}`);
        break;
      case "step-cleanup":
        out(event.time, `[${event.step}] cleanup ${event.ok ? "done" : `failed: ${event.message ?? ""}`}`);
        break;
      case "plan-output":
        out(event.time, `${event.label}: ${event.value}`);
        break;
      case "plan-retrying":
        out(event.time, `${event.plan}: retrying ${event.steps.join(", ")}`);
        break;
      case "plan-finished":
        out(
          event.time,
          `${event.plan} ${event.cancelled ? "cancelled" : event.ok ? "succeeded" : "failed"} in ${(event.durationMs / 1000).toFixed(1)}s`,
        );
        break;
    }
  };
}
