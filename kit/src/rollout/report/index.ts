/**
 * report renders an analysed rollout: a plain-text summary, JSON, JUnit XML (one testcase per SLO)
 * and a self-contained HTML page with an inline SVG timeline. Every renderer is a pure function of
 * a RolloutReport.
 */
import { causeOf, explainFailure, explainRisk, riskDetail } from "./causes.ts";
import type { RolloutReport } from "./report.ts";

export {
  causeOf,
  describeRecord,
  type ExplainedFailure,
  type ExplainedRisk,
  explainFailure,
  explainRisk,
  riskDetail,
} from "./causes.ts";
export { renderHtml } from "./html.ts";
export { buildReport, type RolloutReport } from "./report.ts";
export { relativeTime, renderSummary } from "./summary.ts";

/**
 * renderJson renders the report as JSON, each failure with its cause sentence and each risk with
 * its detail sentence; records are included only when asked (they can be many).
 */
export function renderJson(report: RolloutReport, options: { includeRecords?: boolean } = {}): string {
  const { records, ...rest } = report;
  const analysis = {
    ...report.analysis,
    failures: report.analysis.failures.map(explainFailure),
    risks: report.analysis.risks.map(explainRisk),
  };
  const json = options.includeRecords
    ? { ...report, analysis }
    : { ...rest, analysis, recordCount: records.length };
  return `${JSON.stringify(json, null, 2)}\n`;
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
  const causes = analysis.failures.map((f) => `${f.class} ×${f.count}: ${causeOf(f.evidence)}`).join("\n");
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
    ...(analysis.risks.length === 0
      ? []
      : [
          `    <system-out>${xml(analysis.risks.map((r) => `latent risk ${r.rule}: ${riskDetail(r)}`).join("\n"))}</system-out>`,
        ]),
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
