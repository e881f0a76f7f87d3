/** SLO judgements: each SLO's verdict, with what was observed against its limit. */
import type { TimelineEvent } from "../types.ts";
import type { PodLifecycle, ReadyInterval } from "./pods.ts";
import type { Reconnects } from "./reconnects.ts";
import { seconds } from "./stats.ts";
import type { TrafficTally } from "./traffic.ts";
import type { SloResult, SloSettings } from "./types.ts";

/** DEFAULT_SLO is the strict default: nobody may notice the rollout. */
export const DEFAULT_SLO: SloSettings = {
  maxFailedRequests: 0,
  maxAbruptStreamCloses: 0,
  maxAbruptWebSocketCloses: 0,
  requireSlowRequestsComplete: true,
  maxReconnectMs: 2000,
  failOnLatentRisks: false,
  requireExitWithinGrace: true,
};

/** trafficSlos judges what the probe saw: failed requests, abrupt closes, slow requests, reconnects. */
export function trafficSlos(slo: SloSettings, tally: TrafficTally, reconnects: Reconnects): SloResult[] {
  const { totals, failedRequests, abruptStreams, abruptWebSockets, slowFailed, slowCompleted } = tally;
  const slowest = reconnects.times.length === 0 ? 0 : Math.max(...reconnects.times);
  return [
    {
      id: "failed-requests",
      title: "No failed requests",
      ok: failedRequests <= slo.maxFailedRequests,
      observed: failedRequests,
      limit: slo.maxFailedRequests,
      detail: `${failedRequests} failed of ${totals["http-reused"].total + totals["http-fresh"].total} requests and ${totals.sse.total + totals.ws.total} connection attempts`,
    },
    {
      id: "abrupt-stream-closes",
      title: "No abrupt stream closes",
      ok: abruptStreams <= slo.maxAbruptStreamCloses,
      observed: abruptStreams,
      limit: slo.maxAbruptStreamCloses,
      detail: `${abruptStreams} of ${totals.sse.total} streams ended without their final event`,
    },
    {
      id: "abrupt-websocket-closes",
      title: "No abrupt WebSocket closes",
      ok: abruptWebSockets <= slo.maxAbruptWebSocketCloses,
      observed: abruptWebSockets,
      limit: slo.maxAbruptWebSocketCloses,
      detail: `${abruptWebSockets} of ${totals.ws.total} WebSockets closed without 1000/1001/1012`,
    },
    {
      id: "slow-requests-complete",
      title: "Every slow request completes",
      ok:
        !slo.requireSlowRequestsComplete ||
        (slowFailed === 0 && (slowCompleted > 0 || totals.slow.total === 0)),
      observed: slowFailed,
      limit: 0,
      detail: `${slowCompleted} completed, ${slowFailed} cut or failed`,
    },
    {
      id: "reconnect-time",
      title: "Streams and WebSockets reconnect in time",
      ok: reconnects.slow === 0 && reconnects.neverReconnected === 0,
      observed: slowest,
      limit: slo.maxReconnectMs,
      detail: `${reconnects.times.length} reconnects, slowest ${slowest} ms, ${reconnects.slow} over the limit, ${reconnects.neverReconnected} never reconnected`,
    },
  ];
}

/** exitWithinGraceSlo: every pod that terminated during the run exited before the kubelet killed it. */
export function exitWithinGraceSlo(killed: readonly { name: string }[]): SloResult {
  return {
    id: "exits-within-grace",
    title: "Pods exit before their grace period ends",
    ok: killed.length === 0,
    observed: killed.length,
    limit: 0,
    detail:
      killed.length === 0
        ? "every terminated pod exited on its own"
        : `killed at the end of the grace period: ${killed.map((p) => p.name).join(", ")}`,
  };
}

/** rolloutObservedSlo: a run in which no pod was replaced tested nothing. */
export function rolloutObservedSlo(replaced: readonly PodLifecycle[]): SloResult {
  return {
    id: "rollout-observed",
    title: "A pod was replaced while traffic ran",
    ok: replaced.length > 0,
    observed: replaced.length,
    limit: 1,
    detail:
      replaced.length > 0
        ? `${replaced.length} pod(s) terminated: ${replaced.map((p) => p.name).join(", ")}`
        : "no pod was terminated while the probe ran, so the rollout tested nothing (did the upgrade change the pod template?)",
  };
}

/** readyPodSlo: zero downtime means a ready pod at all times, whether or not a request failed. */
export function readyPodSlo(
  outages: readonly ReadyInterval[],
  outageMs: number,
  startedAt: number,
): SloResult {
  return {
    id: "ready-pod-always",
    title: "A ready pod at all times",
    ok: outages.length === 0,
    observed: outageMs,
    limit: 0,
    detail:
      outages.length === 0
        ? "at least one pod was ready throughout"
        : `${outages.length} span(s) with no ready pod, ${seconds(outageMs)} in all, from ${seconds(outages[0]?.from ? outages[0].from - startedAt : 0)}`,
  };
}

/** progressSlo: a rollout that could not progress fails on that alone. */
export function progressSlo(stall: TimelineEvent): SloResult {
  return {
    id: "rollout-progressed",
    title: "The new pods started",
    ok: false,
    observed: 1,
    limit: 0,
    detail: stall.detail ?? `stalled: ${stall.reason ?? "unknown reason"}`,
  };
}
