import type { SecondBucket } from "../analyze/index.ts";
import { PROBE_KINDS, type TimelineEvent } from "../types.ts";
import { causeOf, riskDetail } from "./causes.ts";
import type { RolloutReport } from "./report.ts";
import { relativeTime, renderSummary } from "./summary.ts";

function esc(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

const EVENT_COLOURS: Partial<Record<TimelineEvent["kind"], string>> = {
  "upgrade-started": "#1f6feb",
  "upgrade-finished": "#1f6feb",
  "upgrade-failed": "#b60205",
  "pod-ready": "#1a7f37",
  "endpoint-not-ready": "#d4a72c",
  "endpoint-removed": "#d4a72c",
  "pod-terminating": "#cf222e",
  "container-terminated": "#57606a",
};

interface Panel {
  title: string;
  top: number;
  height: number;
  max: number;
  series: { label: string; colour: string; values: number[]; bars?: boolean }[];
}

/** timelineSvg draws traffic, errors, latency and open connections per second against rollout events. */
export function timelineSvg(report: RolloutReport): string {
  const buckets: SecondBucket[] = report.analysis.buckets;
  const width = 1000;
  const left = 60;
  const right = 20;
  const plotWidth = width - left - right;
  const n = Math.max(1, buckets.length);
  const x = (second: number): number => left + (second / n) * plotWidth;
  const sum = (b: SecondBucket, which: "completed" | "failed"): number =>
    PROBE_KINDS.reduce((acc, k) => acc + b[which][k], 0);
  const rate = buckets.map((b) => sum(b, "completed"));
  const errors = buckets.map((b) => sum(b, "failed"));
  const panels: Panel[] = [
    {
      title: "requests + connections ended / s",
      top: 30,
      height: 120,
      max: Math.max(1, ...rate),
      series: [
        { label: "ended", colour: "#0969da", values: rate },
        { label: "failed", colour: "#cf222e", values: errors, bars: true },
      ],
    },
    {
      title: "HTTP latency ms (p50 / p90 / p99)",
      top: 180,
      height: 120,
      max: Math.max(1, ...buckets.map((b) => b.p99)),
      series: [
        { label: "p50", colour: "#1a7f37", values: buckets.map((b) => b.p50) },
        { label: "p90", colour: "#d4a72c", values: buckets.map((b) => b.p90) },
        { label: "p99", colour: "#cf222e", values: buckets.map((b) => b.p99) },
      ],
    },
    {
      title: "open streams / WebSockets, ready pods",
      top: 330,
      height: 100,
      max: Math.max(1, ...buckets.map((b) => Math.max(b.openStreams, b.openWebSockets, b.readyPods))),
      series: [
        { label: "streams", colour: "#8250df", values: buckets.map((b) => b.openStreams) },
        { label: "websockets", colour: "#bf3989", values: buckets.map((b) => b.openWebSockets) },
        { label: "ready pods", colour: "#1a7f37", values: buckets.map((b) => b.readyPods) },
      ],
    },
  ];
  const height = 470;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" font-family="sans-serif" font-size="11">`,
  ];
  for (const panel of panels) {
    const y = (v: number): number => panel.top + panel.height - (v / panel.max) * panel.height;
    parts.push(`<text x="${left}" y="${panel.top - 6}" font-weight="bold">${esc(panel.title)}</text>`);
    parts.push(
      `<rect x="${left}" y="${panel.top}" width="${plotWidth}" height="${panel.height}" fill="none" stroke="#d0d7de"/>`,
    );
    parts.push(`<text x="${left - 4}" y="${panel.top + 8}" text-anchor="end">${panel.max}</text>`);
    parts.push(`<text x="${left - 4}" y="${panel.top + panel.height}" text-anchor="end">0</text>`);
    let legendX = left + plotWidth;
    for (const series of [...panel.series].reverse()) {
      parts.push(
        `<text x="${legendX}" y="${panel.top - 6}" text-anchor="end" fill="${series.colour}">${esc(series.label)}</text>`,
      );
      legendX -= series.label.length * 7 + 12;
      if (series.bars) {
        const w = Math.max(1, plotWidth / n - 1);
        series.values.forEach((v, i) => {
          if (v > 0) {
            parts.push(
              `<rect x="${x(i).toFixed(1)}" y="${y(v).toFixed(1)}" width="${w.toFixed(1)}" height="${(panel.top + panel.height - y(v)).toFixed(1)}" fill="${series.colour}" opacity="0.7"><title>${relativeTime(report.startedAt + i * 1000, report.startedAt)}: ${v} failed</title></rect>`,
            );
          }
        });
      } else {
        const points = series.values.map((v, i) => `${x(i + 0.5).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
        parts.push(`<polyline points="${points}" fill="none" stroke="${series.colour}" stroke-width="1.5"/>`);
      }
    }
  }
  const bottom = panels[panels.length - 1];
  const axisY = (bottom?.top ?? 0) + (bottom?.height ?? 0) + 14;
  for (let s = 0; s <= n; s += Math.max(1, Math.ceil(n / 20))) {
    parts.push(`<text x="${x(s).toFixed(1)}" y="${axisY}" text-anchor="middle">${s}s</text>`);
  }
  for (const event of report.timeline) {
    const colour = EVENT_COLOURS[event.kind];
    if (!colour || event.initial) continue;
    const ex = x((event.time - report.startedAt) / 1000).toFixed(1);
    const label = `${relativeTime(event.time, report.startedAt)} ${event.kind} ${event.pod ?? event.owner ?? ""} ${event.detail ?? ""}`;
    parts.push(
      `<line x1="${ex}" y1="24" x2="${ex}" y2="${axisY - 12}" stroke="${colour}" stroke-dasharray="4 3" stroke-width="1.2"><title>${esc(label)}</title></line>`,
    );
  }
  parts.push("</svg>");
  return parts.join("\n");
}

/** renderHtml renders a self-contained HTML report: verdict, timeline plot, failures, SLOs, events. */
export function renderHtml(report: RolloutReport): string {
  const { analysis } = report;
  const verdict = report.ok ? "PASS" : "FAIL";
  const sloRows = analysis.slos
    .map(
      (s) =>
        `<tr class="${s.ok ? "ok" : "fail"}"><td>${esc(s.title)}</td><td>${s.ok ? "ok" : "FAIL"}</td><td>${s.observed}</td><td>${s.limit}</td><td>${esc(s.detail)}</td></tr>`,
    )
    .join("\n");
  const failureRows = analysis.failures
    .map(
      (f) =>
        `<tr><td><code>${esc(f.class)}</code></td><td>${f.count}</td><td>${esc(
          Object.entries(f.byKind)
            .map(([k, v]) => `${k} ${v}`)
            .join(", "),
        )}</td><td>${relativeTime(f.first, report.startedAt)}..${relativeTime(f.last, report.startedAt)}</td><td>${esc(causeOf(f.evidence))}</td></tr>`,
    )
    .join("\n");
  const eventRows = report.timeline
    .filter((e) => e.kind !== "k8s-event" || !e.initial)
    .map(
      (e) =>
        `<tr><td>${relativeTime(e.time, report.startedAt)}</td><td>${esc(e.kind)}</td><td>${esc(e.pod ?? e.owner ?? "")}</td><td>${esc(e.detail ?? "")}${e.initial ? " (initial)" : ""}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kit rollout: ${verdict}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#1f2328}
h1 .PASS{color:#1a7f37} h1 .FAIL{color:#cf222e}
table{border-collapse:collapse;margin:8px 0 24px} td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
tr.fail td{background:#ffebe9} tr.ok td:nth-child(2){color:#1a7f37}
pre{background:#f6f8fa;padding:12px;overflow:auto}
</style></head><body>
<h1>kit rollout: <span class="${verdict}">${verdict}</span></h1>
<p>${esc(
    Object.entries(report.subject)
      .map(([k, v]) => `${k}=${v}`)
      .join(" · "),
  )}</p>
${timelineSvg(report)}
<h2>SLOs</h2>
<table><tr><th>SLO</th><th>result</th><th>observed</th><th>limit</th><th>detail</th></tr>
${sloRows}</table>
<h2>Failures by likely cause</h2>
${analysis.failures.length === 0 ? "<p>None.</p>" : `<table><tr><th>class</th><th>count</th><th>kinds</th><th>when</th><th>cause</th></tr>\n${failureRows}</table>`}
${analysis.risks.length === 0 ? "" : `<h2>Latent risks</h2>\n<table><tr><th>risk</th><th>pod</th><th>detail</th></tr>\n${analysis.risks.map((r) => `<tr><td><code>${esc(r.rule)}</code></td><td>${esc(r.pod)}</td><td>${esc(riskDetail(r))}</td></tr>`).join("\n")}</table>`}
<h2>Summary</h2>
<pre>${esc(renderSummary(report))}</pre>
<h2>Timeline</h2>
<table><tr><th>time</th><th>event</th><th>object</th><th>detail</th></tr>
${eventRows}</table>
</body></html>
`;
}
