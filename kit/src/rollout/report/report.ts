/** The report a rollout test produced, assembled from a recording and its analysis. */
import type { Analysis } from "../analyze/index.ts";
import type { RolloutRecording, TimelineEvent, TrafficRecord } from "../types.ts";

/** RolloutReport is what a rollout test produced: the analysis plus what it was run against. */
export interface RolloutReport {
  ok: boolean;
  /** What was rolled out: release, namespace, chart, target URL, probe settings... */
  subject: Record<string, string | number | boolean>;
  analysis: Analysis;
  timeline: TimelineEvent[];
  /** The traffic records (large; left out of JSON unless asked for). */
  records: TrafficRecord[];
  startedAt: number;
  endedAt: number;
}

/** buildReport assembles a report from a recording and its analysis. */
export function buildReport(
  recording: RolloutRecording,
  analysis: Analysis,
  subject: Record<string, string | number | boolean> = {},
): RolloutReport {
  return {
    ok: analysis.ok,
    subject: { ...recording.meta, ...subject },
    analysis,
    timeline: [...recording.timeline].sort((a, b) => a.time - b.time),
    records: recording.records,
    startedAt: recording.startedAt,
    endedAt: recording.endedAt,
  };
}
