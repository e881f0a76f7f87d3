/**
 * analyze is a pure function from a recorded run (traffic records + cluster timeline) to a
 * verdict: one result per SLO, every failure grouped into a class with the evidence for its cause,
 * latency percentiles per probe kind, and per-second buckets for plotting.
 */
import { PROBE_KINDS, type ProbeKind, type RolloutRecording } from "../types.ts";
import { bucketize } from "./buckets.ts";
import { type ClassifyContext, classify } from "./classify.ts";
import { gracePeriodSeconds, ignoredSigterm, podFacts } from "./facts.ts";
import { FailureGroups } from "./failures.ts";
import { podLifecycles, readyIntervals } from "./pods.ts";
import { findReconnects } from "./reconnects.ts";
import { killedAtGrace, latentRisks } from "./risks.ts";
import {
  DEFAULT_SLO,
  exitWithinGraceSlo,
  progressSlo,
  readyPodSlo,
  rolloutObservedSlo,
  trafficSlos,
} from "./slos.ts";
import { type LatencyStats, latencyStats } from "./stats.ts";
import { tallyTraffic } from "./traffic.ts";
import type { Analysis, AnalyzeOptions, SloSettings } from "./types.ts";
import { DEFAULT_TOLERANCE_MS } from "./windows.ts";

export type { Evidence, RecordEvidence } from "./evidence.ts";
export { type PodLifecycle, podLifecycles, type ReadyInterval, readyIntervals } from "./pods.ts";
export type { ExitsAtOnceRisk, KilledAtGraceRisk, LatentRisk, NoSigtermHandlerRisk } from "./risks.ts";
export { DEFAULT_SLO } from "./slos.ts";
export { type LatencyStats, latencyStats, percentile, seconds } from "./stats.ts";
export type {
  Analysis,
  AnalyzeOptions,
  FailureClass,
  FailureGroup,
  KindTotals,
  SecondBucket,
  SloResult,
  SloSettings,
} from "./types.ts";

function strategyText(recording: RolloutRecording): string | undefined {
  const spec = [...recording.timeline].reverse().find((e) => e.kind === "deployment-spec");
  if (!spec) return undefined;
  const parts = [`replicas ${spec.replicas ?? "?"}`];
  if (spec.maxUnavailable !== undefined) parts.push(`maxUnavailable ${spec.maxUnavailable}`);
  if (spec.maxSurge !== undefined) parts.push(`maxSurge ${spec.maxSurge}`);
  return parts.join(", ");
}

/** analyze turns a recording into a verdict. It is pure: same input, same output. */
export function analyze(recording: RolloutRecording, options: AnalyzeOptions = {}): Analysis {
  const slo: SloSettings = { ...DEFAULT_SLO, ...options.slo };
  const tol = options.toleranceMs ?? DEFAULT_TOLERANCE_MS;
  const records = [...recording.records].sort((a, b) => a.start - b.start || a.id - b.id);
  const timeline = [...recording.timeline].sort((a, b) => a.time - b.time);
  const { startedAt, endedAt } = recording;
  const lifecycles = podLifecycles(timeline);
  const intervals = readyIntervals(timeline, startedAt, endedAt);
  const hasReadiness = timeline.some((e) => e.kind === "pod-ready" || e.kind === "endpoint-ready");
  const noReady = hasReadiness ? intervals.filter((i) => i.ready === 0) : [];
  const strategy = strategyText(recording);
  const context: ClassifyContext = { pods: podFacts(lifecycles, records, tol), noReady, tol, strategy };

  const groups = new FailureGroups();
  const tally = tallyTraffic(records);
  for (const record of tally.failures)
    groups.add(classify(record, context), record, record.outcome, record.end);
  const reconnects = findReconnects(records, slo.maxReconnectMs, startedAt, (r) => classify(r, context));
  for (const { evidence, record, at } of reconnects.late) groups.add(evidence, record, "reconnect", at);

  const latency = Object.fromEntries(PROBE_KINDS.map((k) => [k, latencyStats(tally.durations[k])])) as Record<
    ProbeKind,
    LatencyStats
  >;
  const sloResults = trafficSlos(slo, tally, reconnects);

  const warnings: string[] = [];
  const replaced = [...lifecycles.values()].filter(
    (p) => p.terminatingAt !== undefined && p.terminatingAt >= startedAt && p.terminatingAt <= endedAt,
  );
  if (options.requireRollout ?? true) sloResults.push(rolloutObservedSlo(replaced));
  if (records.length === 0) warnings.push("the probe recorded no traffic");
  if (tally.totals.slow.total > 0 && tally.slowCompleted === 0)
    warnings.push("no slow request completed during the run");

  // Zero-downtime means a ready pod at all times. Locally kube-proxy may still send traffic to a
  // terminating pod when no pod is ready (so no request fails), but a cloud load balancer stops
  // sending to a deregistered target: the outage itself fails the run. Before the watch has listed
  // the pods that already ran, the count of ready pods is not known yet, so that span is left out.
  const known = Math.max(startedAt, ...timeline.filter((e) => e.initial).map((e) => e.time));
  const outages = noReady.filter((i) => i.from >= known && i.to > i.from);
  const outageMs = outages.reduce((sum, i) => sum + (i.to - i.from), 0);
  sloResults.push(readyPodSlo(outages, outageMs, startedAt));
  if (outages.length > 0 && !groups.has("no-ready-pod")) {
    groups.put(
      "no-ready-pod\u0000outage",
      { rule: "outage", class: "no-ready-pod", outageMs, ...(strategy ? { strategy } : {}) },
      { count: outages.length, first: outages[0]?.from ?? startedAt, last: outages.at(-1)?.to ?? startedAt },
    );
  }

  // A rollout that could not progress fails on that alone, whatever the traffic saw.
  const stall = timeline.find((e) => e.kind === "upgrade-stalled");
  if (stall) {
    sloResults.push(progressSlo(stall));
    groups.put(
      "rollout-stalled",
      {
        rule: "stalled",
        class: "rollout-stalled",
        ...(stall.pod === undefined ? {} : { pod: stall.pod }),
        ...(stall.reason === undefined ? {} : { reason: stall.reason }),
        ...(stall.detail === undefined ? {} : { detail: stall.detail }),
      },
      { count: 1, first: stall.time, last: stall.time },
    );
  }

  // A pod killed at the end of its grace period broke its shutdown whether or not the kill cut a
  // connection the probe held at that instant (short-grace cut one in about two runs of three).
  if (slo.requireExitWithinGrace) {
    const killed = killedAtGrace(context.pods.values(), { startedAt, endedAt });
    sloResults.push(exitWithinGraceSlo(killed));
    for (const pod of killed) {
      const cls = ignoredSigterm(pod) ? "ignores-sigterm" : "grace-too-short";
      if (groups.hasFor(cls, pod.name) || pod.exitedAt === undefined) continue;
      groups.put(
        `killed-at-grace\u0000${pod.name}`,
        {
          rule: "killed-at-grace",
          class: cls,
          pod: pod.name,
          gracePeriodSeconds: gracePeriodSeconds(pod),
          ...(pod.exitCode === undefined ? {} : { exitCode: pod.exitCode }),
        },
        { count: 1, first: pod.exitedAt, last: pod.exitedAt },
      );
    }
  }

  const failures = groups.sorted();
  const risks = latentRisks(context.pods.values(), { startedAt, endedAt }, failures);
  if (slo.failOnLatentRisks) {
    sloResults.push({
      id: "no-latent-risks",
      title: "No latent risks",
      ok: risks.length === 0,
      observed: risks.length,
      limit: 0,
      detail: risks.length === 0 ? "every pod shut down safely" : risks.map((r) => r.rule).join(", "),
    });
  }

  return {
    ok: sloResults.every((s) => s.ok),
    slos: sloResults,
    failures,
    totals: tally.totals,
    latency,
    reconnects: {
      count: reconnects.times.length,
      stats: latencyStats(reconnects.times),
      neverReconnected: reconnects.neverReconnected,
    },
    pods: [...lifecycles.values()].sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0)),
    noReadyIntervals: noReady,
    buckets: bucketize(records, intervals, startedAt, endedAt),
    risks,
    warnings,
    startedAt,
    endedAt,
  };
}
