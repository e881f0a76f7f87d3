/**
 * step-data renders the structured data steps publish (engine step-data events) as plain lines:
 * a rollout's phases, timeline and failures, its verdicts, gate records, Terraform plans. Kinds it
 * does not know print nothing (with --verbose, their JSON).
 */
import type { KitEvent } from "../../engine/events.ts";
import { rolloutLiveEventOf } from "../rollout/live.ts";
import { timestamp } from "./printer.ts";
import { formatRolloutEvent } from "./rollout-printer.ts";

type StepDataEvent = Extract<KitEvent, { type: "step-data" }>;

/** formatStepData returns the lines for one step-data event (none for what it does not show). */
export function formatStepData(event: StepDataEvent, verbose = false): string[] {
  const { data } = event;
  const live = rolloutLiveEventOf(data);
  if (live) {
    const line = formatRolloutEvent(live, verbose);
    return line === undefined ? [] : [line];
  }
  const at = `${timestamp(event.time)} [${event.step}]`;
  switch (data.kind) {
    case "rollout-result": {
      const failures = (data.failures ?? []) as { class: string; count: number }[];
      const causes = failures.map((f) => `${f.class} (${f.count})`);
      if (typeof data.upgradeError === "string") causes.push(`upgrade: ${data.upgradeError}`);
      return [
        `${at} verdict: ${data.ok === true ? "passed" : `FAILED: ${causes.join("; ") || "an SLO did not hold"}`}`,
      ];
    }
    case "gate-record":
      return [
        `${at} gate ${String(data.verdict)} recorded for ${String(data.digest) || "?"}: ${String(data.file)}`,
      ];
    default:
      return verbose ? [`${at} ${JSON.stringify(data)}`] : [];
  }
}
