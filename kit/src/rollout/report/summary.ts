/** The plain-text summary; the HTML page embeds it too, so it lives apart from index.ts. */
import { formatTable } from "../../table.ts";
import { PROBE_KINDS } from "../types.ts";
import { causeOf, riskDetail } from "./causes.ts";
import type { RolloutReport } from "./report.ts";

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
    formatTable(
      ["SLO", "result", "observed", "limit", "detail"],
      analysis.slos.map((s) => [
        s.title,
        s.ok ? "ok" : "FAIL",
        String(s.observed),
        String(s.limit),
        s.detail,
      ]),
    ),
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
      lines.push(`    ${causeOf(f.evidence)}`);
    }
  }
  if (analysis.risks.length > 0) {
    lines.push("", "Latent risks (no traffic lost to them in this run):");
    for (const r of analysis.risks) lines.push(`  ${r.rule}: ${riskDetail(r)}`);
  }
  lines.push("", "Traffic:");
  lines.push(
    formatTable(
      ["kind", "total", "ok", "failed", "p50 ms", "p90 ms", "p99 ms", "max ms"],
      PROBE_KINDS.map((k) => {
        const t = analysis.totals[k];
        const l = analysis.latency[k];
        return [k, t.total, t.ok, t.failed, l.p50, l.p90, l.p99, l.max].map(String);
      }),
    ),
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
        "upgrade-stalled",
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
        `  ${relativeTime(e.time, report.startedAt).padEnd(8)} ${e.kind.padEnd(21)} ${e.pod ?? e.owner ?? ""} ${e.detail ?? ""}`.trimEnd(),
      );
    }
  }
  for (const w of analysis.warnings) lines.push(`warning: ${w}`);
  return `${lines.join("\n")}\n`;
}
