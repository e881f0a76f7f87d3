/**
 * report renders an analysed rollout: a plain-text summary, JSON, JUnit XML (one testcase per SLO)
 * and a self-contained HTML page with an inline SVG timeline. Every renderer is a pure function of
 * a RolloutReport.
 */
import type { Analysis } from "../analyze/index.ts";
import { PROBE_KINDS, type RolloutRecording, type TimelineEvent, type TrafficRecord } from "../types.ts";

export { renderHtml } from "./html.ts";

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

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => pad(cell, widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** relativeTime formats an epoch ms as seconds since the run started. */
export function relativeTime(time: number, startedAt: number): string {
  return `+${((time - startedAt) / 1000).toFixed(1)}s`;
}

/** renderSummary renders the verdict, the SLO table, the failures with causes, and the traffic table. */
export function renderSummary(report: RolloutReport): string {
  const { analysis } = report;
  const lines: string[] = [];
  lines.push(
    `kit rollout: ${report.ok ? "PASS" : "FAIL"} (${((report.endedAt - report.startedAt) / 1000).toFixed(1)} s of traffic)`,
  );
  const subject = Object.entries(report.subject)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  if (subject) lines.push(subject);
  lines.push("");
  lines.push(
    table([
      ["SLO", "result", "observed", "limit", "detail"],
      ...analysis.slos.map((s) => [
        s.title,
        s.ok ? "ok" : "FAIL",
        String(s.observed),
        String(s.limit),
        s.detail,
      ]),
    ]),
  );
  if (analysis.failures.length > 0) {
    lines.push("", "Failures, by likely cause:");
    for (const f of analysis.failures) {
      const kinds = Object.entries(f.byKind)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ");
      lines.push(
        `  ${f.class} ×${f.count} (${kinds}) ${relativeTime(f.first, report.startedAt)}..${relativeTime(f.last, report.startedAt)}`,
      );
      lines.push(`    ${f.cause}`);
    }
  }
  lines.push("", "Traffic:");
  lines.push(
    table([
      ["kind", "total", "ok", "failed", "p50 ms", "p90 ms", "p99 ms", "max ms"],
      ...PROBE_KINDS.map((k) => {
        const t = analysis.totals[k];
        const l = analysis.latency[k];
        return [k, t.total, t.ok, t.failed, l.p50, l.p90, l.p99, l.max].map(String);
      }),
    ]),
  );
  lines.push(
    `reconnects: ${analysis.reconnects.count} (p50 ${analysis.reconnects.stats.p50} ms, max ${analysis.reconnects.stats.max} ms, never ${analysis.reconnects.neverReconnected})`,
  );
  const keyEvents = report.timeline.filter(
    (e) =>
      [
        "upgrade-started",
        "upgrade-finished",
        "upgrade-failed",
        "pod-ready",
        "pod-terminating",
        "endpoint-not-ready",
        "endpoint-removed",
        "container-terminated",
      ].includes(e.kind) && !e.initial,
  );
  if (keyEvents.length > 0) {
    lines.push("", "Rollout:");
    for (const e of keyEvents.slice(0, 40)) {
      lines.push(
        `  ${pad(relativeTime(e.time, report.startedAt), 8)} ${pad(e.kind, 21)} ${e.pod ?? e.owner ?? ""} ${e.detail ?? ""}`.trimEnd(),
      );
    }
  }
  for (const w of analysis.warnings) lines.push(`warning: ${w}`);
  return `${lines.join("\n")}\n`;
}

/** renderJson renders the report as JSON; records are included only when asked (they can be many). */
export function renderJson(report: RolloutReport, options: { includeRecords?: boolean } = {}): string {
  const { records, ...rest } = report;
  return `${JSON.stringify(options.includeRecords ? report : { ...rest, recordCount: records.length }, null, 2)}\n`;
}

function xml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

/** renderJUnit renders one JUnit testcase per SLO; a failed SLO carries the failure causes. */
export function renderJUnit(report: RolloutReport, suiteName = "kit rollout"): string {
  const { analysis } = report;
  const seconds = ((report.endedAt - report.startedAt) / 1000).toFixed(3);
  const failed = analysis.slos.filter((s) => !s.ok).length;
  const causes = analysis.failures.map((f) => `${f.class} ×${f.count}: ${f.cause}`).join("\n");
  const cases = analysis.slos.map((slo) => {
    const open = `    <testcase classname="${xml(suiteName)}" name="${xml(slo.title)}" time="${seconds}">`;
    if (slo.ok) return `${open}</testcase>`;
    return `${open}\n      <failure message="${xml(`${slo.title}: observed ${slo.observed}, limit ${slo.limit}`)}" type="${xml(slo.id)}">${xml(`${slo.detail}\n${causes}`)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(suiteName)}" tests="${analysis.slos.length}" failures="${failed}" time="${seconds}">`,
    `  <testsuite name="${xml(suiteName)}" tests="${analysis.slos.length}" failures="${failed}" errors="0" time="${seconds}" timestamp="${new Date(report.startedAt).toISOString()}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
