import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/rollout/analyze/index.ts";
import {
  buildReport,
  renderHtml,
  renderJson,
  renderJUnit,
  renderSummary,
} from "../../src/rollout/report/index.ts";
import type { RolloutRecording } from "../../src/rollout/types.ts";

function report(name: string) {
  const recording = JSON.parse(
    readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), "utf8"),
  ) as RolloutRecording;
  return buildReport(recording, analyze(recording), { release: "app" });
}

describe("rollout reports", () => {
  it("summarises a failed rollout with the SLO table, causes, traffic and rollout events", () => {
    const text = renderSummary(report("exits-on-sigterm"));
    expect(text).toMatch(/^kit rollout: FAIL/);
    expect(text).toMatch(/No abrupt stream closes\s+FAIL/);
    expect(text).toMatch(/exits-on-sigterm ×\d+/);
    expect(text).toMatch(/the app exits at once on SIGTERM/);
    expect(text).toMatch(/http-reused\s+\d+\s+\d+/);
    expect(text).toMatch(/pod-terminating\s+app-5d8f-old/);
  });

  it("writes one JUnit testcase per SLO, with failures carrying the causes", () => {
    const xml = renderJUnit(report("grace-too-short"));
    expect(xml.match(/<testcase /g)?.length).toBe(8);
    // The cut slow request, and the pod killed at the end of its grace period.
    expect(xml.match(/<failure /g)?.length).toBe(2);
    expect(xml).toContain('type="slow-requests-complete"');
    expect(xml).toContain('type="exits-within-grace"');
    expect(xml).toContain("terminationGracePeriodSeconds too short");
    expect(renderJUnit(report("clean"))).not.toContain("<failure");
  });

  it("shows latent risks in the summary, the HTML page and the JUnit output, without failing the run", () => {
    const recording = JSON.parse(
      readFileSync(new URL("fixtures/clean.json", import.meta.url), "utf8"),
    ) as RolloutRecording;
    const sigtermAt = recording.timeline.find((e) => e.kind === "pod-terminating")?.time ?? 0;
    recording.timeline = recording.timeline.map((e) =>
      e.kind === "container-terminated" ? { ...e, time: sigtermAt + 900, exitCode: 143 } : e,
    );
    const risky = buildReport(recording, analyze(recording), { release: "app" });
    expect(risky.ok).toBe(true);
    expect(renderSummary(risky)).toMatch(
      /Latent risks \(no traffic lost to them in this run\):\n {2}no-sigterm-handler: pod /,
    );
    expect(renderHtml(risky)).toContain("<h2>Latent risks</h2>");
    const junit = renderJUnit(risky);
    expect(junit).not.toContain("<failure");
    expect(junit).toMatch(/<system-out>latent risk no-sigterm-handler: pod .*exit 143/);
    expect(renderSummary(report("clean"))).not.toContain("Latent risks");
  });

  it("writes JSON without the raw records unless asked", () => {
    const r = report("clean");
    const compact = JSON.parse(renderJson(r)) as { ok: boolean; recordCount: number; records?: unknown };
    expect(compact.ok).toBe(true);
    expect(compact.recordCount).toBe(r.records.length);
    expect(compact.records).toBeUndefined();
    expect(
      (JSON.parse(renderJson(r, { includeRecords: true })) as { records: unknown[] }).records.length,
    ).toBe(r.records.length);
  });

  it("renders a self-contained HTML page with the timeline plot", () => {
    const html = renderHtml(report("no-ready-pod"));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("<svg");
    expect(html).toContain("<polyline");
    expect(html).toMatch(/pod-terminating app-5d8f-old/);
    expect(html).toContain("no-ready-pod");
    expect(html).not.toMatch(/<script|<link|src="http/);
  });
});
