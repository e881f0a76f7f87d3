/**
 * The plain rollout printer: one timestamped line per phase, timeline event and failure (CI and
 * pipes); traffic counts only with --verbose.
 */
import { type RolloutLiveEvent, timelineText } from "../rollout/live.ts";
import { timestamp } from "./printer.ts";

/** formatRolloutEvent returns the line for one event, or undefined when it prints nothing. */
export function formatRolloutEvent(
  { app, run, event }: RolloutLiveEvent,
  verbose = false,
): string | undefined {
  const prefix = `${timestamp(event.time)} [${app} #${run}]`;
  switch (event.type) {
    case "phase":
      return `${prefix} ${event.phase}: ${event.message}`;
    case "timeline":
      return event.event.initial ? undefined : `${prefix} ${timelineText(event.event)}`;
    case "failure": {
      const r = event.record;
      const detail = [
        r.status && `HTTP ${r.status}`,
        r.error,
        r.closeCode && `close ${r.closeCode}`,
        r.pod && `pod ${r.pod}`,
      ]
        .filter(Boolean)
        .join(", ");
      return `${prefix} FAILURE ${r.kind}: ${r.outcome}${detail ? ` (${detail})` : ""}`;
    }
    case "traffic":
      return verbose ? `${prefix} traffic ${JSON.stringify(event.stats)}` : undefined;
    case "helm-log":
      return verbose ? `${prefix} helm: ${event.line}` : undefined;
  }
}
