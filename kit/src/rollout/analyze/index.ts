/**
 * analyze is a pure function from a recorded run (traffic records + cluster timeline) to a
 * verdict: one result per SLO, every failure grouped into a class with its likely cause named,
 * latency percentiles per probe kind, and per-second buckets for plotting.
 */
import { isFailure } from "../probe/recorder.ts";
import {
  type Outcome,
  PROBE_KINDS,
  type ProbeKind,
  type RolloutRecording,
  type TrafficRecord,
} from "../types.ts";
import { type PodLifecycle, podLifecycles, type ReadyInterval, readyIntervals } from "./pods.ts";
import { type LatencyStats, latencyStats, percentile } from "./stats.ts";

export { type PodLifecycle, podLifecycles, type ReadyInterval, readyIntervals } from "./pods.ts";
export { type LatencyStats, latencyStats, percentile } from "./stats.ts";

/** SloSettings are the limits a rollout must hold (kit.config.yaml `rollout.slo`). */
export interface SloSettings {
  maxFailedRequests: number;
  maxAbruptStreamCloses: number;
  maxAbruptWebSocketCloses: number;
  requireSlowRequestsComplete: boolean;
  maxReconnectMs: number;
}

/** DEFAULT_SLO is the strict default: nobody may notice the rollout. */
export const DEFAULT_SLO: SloSettings = {
  maxFailedRequests: 0,
  maxAbruptStreamCloses: 0,
  maxAbruptWebSocketCloses: 0,
  requireSlowRequestsComplete: true,
  maxReconnectMs: 2000,
};

/** AnalyzeOptions tune the analysis. */
export interface AnalyzeOptions {
  slo?: Partial<SloSettings>;
  /** Slack when matching a failure to a cluster event (clocks, kubelet and kube-proxy lag). Default 2000. */
  toleranceMs?: number;
  /** Fail the run when no pod was replaced while the probe ran (nothing was tested). Default true. */
  requireRollout?: boolean;
}

/**
 * FailureClass names a way a rollout loses traffic.
 * - no-ready-pod: failures while no pod was ready.
 * - no-prestop-drain: new connections failed right after a pod left endpoints, though it shut down cleanly.
 * - exits-on-sigterm: streams cut (no final event, WebSocket 1006) the moment a pod got SIGTERM.
 * - ignores-sigterm: connections cut when a pod that ignored SIGTERM was killed at the end of its grace period.
 * - grace-too-short: slow requests cut when a draining pod was killed at the end of its grace period.
 * - no-readiness-probe: failures right after a new pod was marked ready before it served.
 * - in-flight-cut: a request in flight (on a kept-alive connection, or a slow one) reset when a
 *   draining pod closed its connections (not killed: it did not wait for the request).
 * - pod-error-status: a pod answered 5xx or 4xx.
 * - slow-reconnect: a stream or WebSocket took longer than the bound to reconnect, or never did.
 * - unexplained: a failure not near any rollout event.
 */
export type FailureClass =
  | "no-ready-pod"
  | "no-prestop-drain"
  | "exits-on-sigterm"
  | "ignores-sigterm"
  | "grace-too-short"
  | "no-readiness-probe"
  | "in-flight-cut"
  | "pod-error-status"
  | "slow-reconnect"
  | "unexplained";

/** FailureGroup is every failure of one class caused by one pod (or none), with the cause named. */
export interface FailureGroup {
  class: FailureClass;
  /** The pod whose lifecycle explains the failures, when one does. */
  pod?: string;
  /** One sentence: what happened, and the likely cause. */
  cause: string;
  count: number;
  byKind: Partial<Record<ProbeKind, number>>;
  byOutcome: Partial<Record<Outcome | "reconnect", number>>;
  first: number;
  last: number;
  /** Ids of up to 20 of the records concerned. */
  recordIds: number[];
}

/** SloResult is the verdict on one SLO. */
export interface SloResult {
  id: string;
  title: string;
  ok: boolean;
  observed: number;
  limit: number;
  detail: string;
}

/** KindTotals count one probe kind's records by outcome. */
export interface KindTotals {
  total: number;
  ok: number;
  failed: number;
  byOutcome: Partial<Record<Outcome, number>>;
}

/** SecondBucket is one second of the run, for plotting. */
export interface SecondBucket {
  /** Seconds since the recording started. */
  second: number;
  /** Requests or connections that ended in this second, per kind. */
  completed: Record<ProbeKind, number>;
  failed: Record<ProbeKind, number>;
  /** Latency of HTTP requests (reused and fresh) that ended ok in this second. */
  p50: number;
  p90: number;
  p99: number;
  /** Streams and WebSockets open at some point in this second. */
  openStreams: number;
  openWebSockets: number;
  /** Pods ready at the end of this second. */
  readyPods: number;
}

/** Analysis is the result of analyze(). */
export interface Analysis {
  ok: boolean;
  slos: SloResult[];
  failures: FailureGroup[];
  totals: Record<ProbeKind, KindTotals>;
  latency: Record<ProbeKind, LatencyStats>;
  reconnects: { count: number; stats: LatencyStats; neverReconnected: number };
  pods: PodLifecycle[];
  noReadyIntervals: ReadyInterval[];
  buckets: SecondBucket[];
  warnings: string[];
  startedAt: number;
  endedAt: number;
}

const GRACEFUL_DRAIN_MS = 1500;

function zeroByKind(): Record<ProbeKind, number> {
  return { "http-reused": 0, "http-fresh": 0, slow: 0, sse: 0, ws: 0 };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function isStreamKind(kind: ProbeKind): boolean {
  return kind === "sse" || kind === "ws";
}

/** describeRecord says in a few words how one record failed. */
export function describeRecord(record: TrafficRecord): string {
  if (record.kind === "ws" && record.outcome === "abrupt")
    return `WebSocket closed ${record.closeCode ?? 1006}`;
  if (record.kind === "sse" && record.outcome === "abrupt") return "stream ended without its final event";
  if (record.outcome === "http-error") return `HTTP ${record.status ?? "?"}`;
  if (record.outcome === "refused") return "connection refused";
  if (record.outcome === "reset") return "connection reset";
  if (record.outcome === "timeout") return "timed out";
  return record.error ?? record.outcome;
}

function cutWhat(record: TrafficRecord): string {
  switch (record.kind) {
    case "slow":
      return `slow request (${seconds(record.end - record.start)} in)`;
    case "sse":
      return "stream";
    case "ws":
      return `WebSocket (close ${record.closeCode ?? 1006})`;
    default:
      return "request";
  }
}

interface PodFacts extends PodLifecycle {
  killedAtGrace: boolean;
  /** When the kill at the end of the grace period happened (or would have). */
  killAt?: number;
  gracefulCloses: number;
  abruptCloses: number;
}

function podFacts(
  pods: Map<string, PodLifecycle>,
  records: readonly TrafficRecord[],
  tol: number,
): Map<string, PodFacts> {
  const facts = new Map<string, PodFacts>();
  for (const pod of pods.values()) {
    const graceMs = (pod.gracePeriodSeconds ?? 30) * 1000;
    const killAt = pod.terminatingAt === undefined ? undefined : pod.terminatingAt + graceMs;
    const killedAtGrace =
      pod.terminatingAt !== undefined &&
      pod.exitedAt !== undefined &&
      (pod.exitCode === 137 || pod.exitedAt - pod.terminatingAt >= graceMs - tol);
    facts.set(pod.name, {
      ...pod,
      killedAtGrace,
      ...(killAt === undefined ? {} : { killAt }),
      gracefulCloses: 0,
      abruptCloses: 0,
    });
  }
  for (const record of records) {
    if (!isStreamKind(record.kind) || record.pod === undefined) continue;
    const pod = facts.get(record.pod);
    if (!pod) continue;
    if (record.outcome === "graceful") pod.gracefulCloses++;
    if (record.outcome === "abrupt") pod.abruptCloses++;
  }
  return facts;
}

interface Verdict {
  class: FailureClass;
  pod?: string;
  cause: string;
}

/** Classifier attributes each failed record to a failure class using the pod lifecycles. */
class Classifier {
  constructor(
    private readonly pods: Map<string, PodFacts>,
    private readonly noReady: readonly ReadyInterval[],
    private readonly tol: number,
    private readonly strategy: string | undefined,
  ) {}

  private terminatingNear(at: number): PodFacts | undefined {
    let best: PodFacts | undefined;
    for (const pod of this.pods.values()) {
      if (pod.terminatingAt === undefined) continue;
      const until =
        Math.max(pod.exitedAt ?? pod.terminatingAt, pod.endpointRemovedAt ?? pod.terminatingAt) + this.tol;
      if (at < pod.terminatingAt - this.tol || at > until) continue;
      if (!best || Math.abs(at - pod.terminatingAt) < Math.abs(at - (best.terminatingAt ?? 0))) best = pod;
    }
    return best;
  }

  private killedNear(at: number): PodFacts | undefined {
    for (const pod of this.pods.values()) {
      if (!pod.killedAtGrace) continue;
      // The kill happens at SIGTERM + grace; the kubelet reports the exit a little later.
      const nearKill = pod.killAt !== undefined && Math.abs(at - pod.killAt) <= this.tol;
      const nearExit = pod.exitedAt !== undefined && Math.abs(at - pod.exitedAt) <= this.tol;
      if (nearKill || nearExit) return pod;
    }
    return undefined;
  }

  private readyNear(at: number): PodFacts | undefined {
    for (const pod of this.pods.values()) {
      if (pod.initial || pod.readyAt === undefined) continue;
      if (at >= pod.readyAt - 500 && at <= pod.readyAt + 5000 + this.tol) {
        if (pod.hasReadinessProbe === false) return pod;
        if (
          pod.hasReadinessProbe === undefined &&
          (pod.createdAt === undefined || pod.readyAt - pod.createdAt < 1000)
        ) {
          return pod;
        }
      }
    }
    return undefined;
  }

  private killedCause(pod: PodFacts, what: string): Verdict {
    const grace = pod.gracePeriodSeconds ?? 30;
    const exit = pod.exitCode === undefined ? "" : `, exit code ${pod.exitCode}`;
    // A pod that drained closes its streams with the final event before the kill; one that ignored
    // SIGTERM still had them open when it was killed.
    if (pod.gracefulCloses === 0 && pod.abruptCloses > 0) {
      return {
        class: "ignores-sigterm",
        pod: pod.name,
        cause: `${what} cut when pod ${pod.name} was killed at the end of its ${grace} s grace period${exit}, its streams never got a final event → the app ignores SIGTERM (handle it: fail readiness, drain, close streams with a final event, exit)`,
      };
    }
    return {
      class: "grace-too-short",
      pod: pod.name,
      cause: `${what} cut when pod ${pod.name} was killed at the end of its ${grace} s grace period${exit} while still draining → terminationGracePeriodSeconds too short (raise it above the drain delay plus the slowest request)`,
    };
  }

  classify(record: TrafficRecord): Verdict {
    const at = record.end;
    const outage = this.noReady.find((i) => at >= i.from && at <= i.to + 1000);
    if (outage) {
      return {
        class: "no-ready-pod",
        cause: `failures while no pod was ready (${seconds(outage.to - outage.from)} with 0 ready endpoints) → the rollout took the only ready pod away before its replacement was ready: maxUnavailable > 0 with one replica${this.strategy ? ` (${this.strategy})` : ""}, or a pod marked ready before it could serve (set maxUnavailable: 0 and maxSurge: 1, and a readiness probe)`,
      };
    }
    const servedBy = record.pod !== undefined ? this.pods.get(record.pod) : undefined;

    if (record.outcome === "http-error") {
      const status = record.status ?? 0;
      const shuttingDown = servedBy?.terminatingAt !== undefined && at >= servedBy.terminatingAt - this.tol;
      // A pod without a readiness probe that answers errors just after joining the endpoints was
      // sent traffic before it could serve (an app still warming up).
      const joinedAt = servedBy?.initial ? undefined : servedBy?.readyAt;
      if (
        servedBy?.hasReadinessProbe === false &&
        !shuttingDown &&
        joinedAt !== undefined &&
        at >= joinedAt - 500 &&
        at <= joinedAt + 5000 + this.tol
      ) {
        return {
          class: "no-readiness-probe",
          pod: servedBy.name,
          cause: `pod ${servedBy.name} answered HTTP ${status} ${seconds(Math.max(0, at - (servedBy.readyAt ?? at)))} after it became ready → it was marked ready before the app could serve: it has no readiness probe (add one on an endpoint that fails until the app is warm)`,
        };
      }
      return {
        class: "pod-error-status",
        ...(record.pod === undefined ? {} : { pod: record.pod }),
        cause: `${record.pod === undefined ? "the target" : `pod ${record.pod}`} answered HTTP ${status}${shuttingDown ? " while shutting down → the app rejects requests during its drain instead of serving them" : ""}`,
      };
    }

    // A stream or WebSocket that was established and then cut: the pod that served it is known.
    if (isStreamKind(record.kind) && record.outcome === "abrupt" && servedBy) {
      const what =
        record.kind === "ws"
          ? `WebSocket closed ${record.closeCode ?? 1006}`
          : "stream ended without its final event";
      if (servedBy.killedAtGrace && this.killedNear(at) === servedBy)
        return this.killedCause(servedBy, cutWhat(record));
      if (servedBy.terminatingAt !== undefined && at >= servedBy.terminatingAt - this.tol) {
        const after = at - servedBy.terminatingAt;
        const exit = servedBy.exitCode === undefined ? "" : `; it exited with code ${servedBy.exitCode}`;
        return {
          class: "exits-on-sigterm",
          pod: servedBy.name,
          cause: `${what} ${seconds(Math.max(0, after))} after pod ${servedBy.name} got SIGTERM${exit} → the app exits at once on SIGTERM instead of draining (keep serving, end streams with a final event, close WebSockets with 1001)`,
        };
      }
    }

    if (record.outcome !== "refused") {
      const killed = this.killedNear(at);
      if (
        killed &&
        (record.established !== undefined || record.kind === "slow" || record.kind === "http-reused")
      ) {
        return this.killedCause(killed, cutWhat(record));
      }
    }

    const fresh = this.readyNear(at);
    if (fresh) {
      return {
        class: "no-readiness-probe",
        pod: fresh.name,
        cause: `${describeRecord(record)} ${seconds(Math.max(0, at - (fresh.readyAt ?? at)))} after pod ${fresh.name} became ready → the pod was marked ready before the app could serve: ${fresh.hasReadinessProbe === false ? "it has no readiness probe" : "readiness probe missing or passing too early"}`,
      };
    }

    const leaving = this.terminatingNear(at);
    if (leaving) {
      const sinceSigterm = at - (leaving.terminatingAt ?? at);
      if (leaving.abruptCloses > 0 && !leaving.killedAtGrace) {
        return {
          class: "exits-on-sigterm",
          pod: leaving.name,
          cause: `${describeRecord(record)} ${seconds(Math.max(0, sinceSigterm))} after pod ${leaving.name} got SIGTERM, and its streams were cut → the app exits at once on SIGTERM instead of draining`,
        };
      }
      const inFlight =
        record.kind === "http-reused" ||
        (record.kind === "slow" && record.start < (leaving.terminatingAt ?? 0));
      if (inFlight && record.outcome === "reset" && sinceSigterm >= GRACEFUL_DRAIN_MS) {
        const closedAfter = `closed its connections ${seconds(sinceSigterm)} after SIGTERM`;
        return {
          class: "in-flight-cut",
          pod: leaving.name,
          cause:
            record.kind === "http-reused"
              ? `request on a reused keep-alive connection reset as pod ${leaving.name} ${closedAfter} → the server closed kept-alive connections under in-flight requests (answer with "Connection: close" while draining, and close only idle connections)`
              : `slow request reset as pod ${leaving.name} ${closedAfter} → the app does not wait for in-flight requests before closing connections`,
        };
      }
      const removed = leaving.endpointRemovedAt;
      const where =
        removed !== undefined
          ? `left endpoints (${seconds(Math.max(0, at - removed))} before)`
          : `got SIGTERM (${seconds(Math.max(0, sinceSigterm))} before)`;
      return {
        class: "no-prestop-drain",
        pod: leaving.name,
        cause: `${describeRecord(record)} right after pod ${leaving.name} ${where} → no preStop drain: the pod stopped accepting connections while kube-proxy and load balancers still sent new ones to it (add a preStop sleep or a drain delay longer than endpoint propagation)${leaving.hasPreStop === false ? "; it has no preStop hook" : ""}`,
      };
    }

    return {
      class: "unexplained",
      ...(record.pod === undefined ? {} : { pod: record.pod }),
      cause: `${describeRecord(record)} not near any rollout event → the app or the network failed on its own (look at the app's logs at that time)`,
    };
  }
}

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
  const tol = options.toleranceMs ?? 2000;
  const records = [...recording.records].sort((a, b) => a.start - b.start || a.id - b.id);
  const timeline = [...recording.timeline].sort((a, b) => a.time - b.time);
  const { startedAt, endedAt } = recording;
  const lifecycles = podLifecycles(timeline);
  const facts = podFacts(lifecycles, records, tol);
  const intervals = readyIntervals(timeline, startedAt, endedAt);
  const hasReadiness = timeline.some((e) => e.kind === "pod-ready" || e.kind === "endpoint-ready");
  const noReady = hasReadiness ? intervals.filter((i) => i.ready === 0) : [];
  const classifier = new Classifier(facts, noReady, tol, strategyText(recording));

  const totals = Object.fromEntries(
    PROBE_KINDS.map((k) => [k, { total: 0, ok: 0, failed: 0, byOutcome: {} } satisfies KindTotals]),
  ) as Record<ProbeKind, KindTotals>;
  const durations = Object.fromEntries(PROBE_KINDS.map((k) => [k, [] as number[]])) as Record<
    ProbeKind,
    number[]
  >;
  const groups = new Map<string, FailureGroup>();
  const addToGroup = (
    verdict: Verdict,
    record: TrafficRecord,
    label: Outcome | "reconnect",
    at: number,
  ): void => {
    const key = `${verdict.class}\u0000${verdict.pod ?? ""}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        class: verdict.class,
        ...(verdict.pod === undefined ? {} : { pod: verdict.pod }),
        cause: verdict.cause,
        count: 0,
        byKind: {},
        byOutcome: {},
        first: at,
        last: at,
        recordIds: [],
      };
      groups.set(key, group);
    }
    group.count++;
    group.byKind[record.kind] = (group.byKind[record.kind] ?? 0) + 1;
    group.byOutcome[label] = (group.byOutcome[label] ?? 0) + 1;
    group.first = Math.min(group.first, at);
    group.last = Math.max(group.last, at);
    if (group.recordIds.length < 20) group.recordIds.push(record.id);
  };

  let failedRequests = 0;
  let abruptStreams = 0;
  let abruptWebSockets = 0;
  let slowFailed = 0;
  let slowCompleted = 0;
  for (const record of records) {
    const totalsForKind = totals[record.kind];
    totalsForKind.total++;
    totalsForKind.byOutcome[record.outcome] = (totalsForKind.byOutcome[record.outcome] ?? 0) + 1;
    if (record.outcome === "ok") {
      totalsForKind.ok++;
      durations[record.kind].push(record.end - record.start);
    } else if (
      record.outcome === "graceful" ||
      (record.outcome === "stopped" && record.established !== undefined)
    ) {
      totalsForKind.ok++;
    }
    if (isStreamKind(record.kind) && record.established !== undefined)
      durations[record.kind].push(record.established - record.start);
    if (!isFailure(record.outcome)) {
      if (record.kind === "slow" && record.outcome === "ok") slowCompleted++;
      continue;
    }
    totalsForKind.failed++;
    if (record.kind === "slow") slowFailed++;
    else if (record.outcome === "abrupt" && record.kind === "sse") abruptStreams++;
    else if (record.outcome === "abrupt" && record.kind === "ws") abruptWebSockets++;
    else failedRequests++;
    addToGroup(classifier.classify(record), record, record.outcome, record.end);
  }

  // Reconnects: slow ones, and workers whose connection was lost and never came back.
  const reconnectTimes: number[] = [];
  let slowReconnects = 0;
  let neverReconnected = 0;
  const lastByWorker = new Map<string, TrafficRecord>();
  const lastEstablishedByWorker = new Map<string, TrafficRecord>();
  for (const record of records) {
    if (!isStreamKind(record.kind)) continue;
    const key = `${record.kind}/${record.worker}`;
    const previous = lastByWorker.get(key);
    if (!previous || previous.start <= record.start) lastByWorker.set(key, record);
    if (record.established !== undefined) lastEstablishedByWorker.set(key, record);
    if (record.reconnectMs === undefined) continue;
    reconnectTimes.push(record.reconnectMs);
    if (record.reconnectMs > slo.maxReconnectMs) {
      slowReconnects++;
      const lost = records.find((r) => r.id === record.reconnectOf);
      const at = record.established ?? record.end;
      const verdictFromLoss = lost ? classifier.classify({ ...lost, outcome: "abrupt" }) : undefined;
      addToGroup(
        {
          class: "slow-reconnect",
          ...(lost?.pod === undefined ? {} : { pod: lost.pod }),
          cause: `a ${record.kind === "ws" ? "WebSocket" : "stream"} took ${seconds(record.reconnectMs)} to reconnect (limit ${seconds(slo.maxReconnectMs)})${lost?.pod ? ` after pod ${lost.pod} closed it` : ""}${verdictFromLoss && verdictFromLoss.class === "no-ready-pod" ? " → no ready pod to reconnect to" : " → no other pod accepted new connections in time"}`,
        },
        record,
        "reconnect",
        at,
      );
    }
  }
  for (const [key, last] of lastByWorker) {
    if (last.outcome === "stopped") continue;
    const lastEstablished = lastEstablishedByWorker.get(key);
    if (lastEstablished && lastEstablished.outcome === "stopped") continue;
    neverReconnected++;
    addToGroup(
      {
        class: "slow-reconnect",
        ...(lastEstablished?.pod === undefined ? {} : { pod: lastEstablished.pod }),
        cause: `a ${last.kind === "ws" ? "WebSocket" : "stream"} lost at ${seconds((lastEstablished?.end ?? last.end) - startedAt)} never reconnected before the run ended → no pod accepted it any more`,
      },
      last,
      "reconnect",
      last.end,
    );
  }

  const latency = Object.fromEntries(PROBE_KINDS.map((k) => [k, latencyStats(durations[k])])) as Record<
    ProbeKind,
    LatencyStats
  >;

  const sloResults: SloResult[] = [
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
      ok: slowReconnects === 0 && neverReconnected === 0,
      observed: reconnectTimes.length === 0 ? 0 : Math.max(...reconnectTimes),
      limit: slo.maxReconnectMs,
      detail: `${reconnectTimes.length} reconnects, slowest ${reconnectTimes.length === 0 ? 0 : Math.max(...reconnectTimes)} ms, ${slowReconnects} over the limit, ${neverReconnected} never reconnected`,
    },
  ];

  const warnings: string[] = [];
  const replaced = [...lifecycles.values()].filter(
    (p) => p.terminatingAt !== undefined && p.terminatingAt >= startedAt && p.terminatingAt <= endedAt,
  );
  if (options.requireRollout ?? true) {
    sloResults.push({
      id: "rollout-observed",
      title: "A pod was replaced while traffic ran",
      ok: replaced.length > 0,
      observed: replaced.length,
      limit: 1,
      detail:
        replaced.length > 0
          ? `${replaced.length} pod(s) terminated: ${replaced.map((p) => p.name).join(", ")}`
          : "no pod was terminated while the probe ran, so the rollout tested nothing (did the upgrade change the pod template?)",
    });
  }
  if (records.length === 0) warnings.push("the probe recorded no traffic");
  if (totals.slow.total > 0 && slowCompleted === 0) warnings.push("no slow request completed during the run");

  // Zero-downtime means a ready pod at all times. Locally kube-proxy may still send traffic to a
  // terminating pod when no pod is ready (so no request fails), but a cloud load balancer stops
  // sending to a deregistered target: the outage itself fails the run. Before the watch has listed
  // the pods that already ran, the count of ready pods is not known yet, so that span is left out.
  const known = Math.max(startedAt, ...timeline.filter((e) => e.initial).map((e) => e.time));
  const outages = noReady.filter((i) => i.from >= known && i.to > i.from);
  const outageMs = outages.reduce((sum, i) => sum + (i.to - i.from), 0);
  sloResults.push({
    id: "ready-pod-always",
    title: "A ready pod at all times",
    ok: outages.length === 0,
    observed: outageMs,
    limit: 0,
    detail:
      outages.length === 0
        ? "at least one pod was ready throughout"
        : `${outages.length} span(s) with no ready pod, ${seconds(outageMs)} in all, from ${seconds(outages[0]?.from ? outages[0].from - startedAt : 0)}`,
  });
  if (outages.length > 0 && ![...groups.values()].some((g) => g.class === "no-ready-pod")) {
    const strategy = strategyText(recording);
    groups.set("no-ready-pod\u0000outage", {
      class: "no-ready-pod",
      cause: `no pod was ready for ${seconds(outageMs)} → the rollout took the only ready pod away before its replacement was ready${strategy ? ` (${strategy})` : ""}; here kube-proxy kept sending traffic to the terminating pod, but a cloud load balancer deregisters it at once (set maxUnavailable: 0 and maxSurge: 1, or run more replicas)`,
      count: outages.length,
      byKind: {},
      byOutcome: {},
      first: outages[0]?.from ?? startedAt,
      last: outages.at(-1)?.to ?? startedAt,
      recordIds: [],
    });
  }

  const buckets = bucketize(records, intervals, startedAt, endedAt);
  const failures = [...groups.values()].sort((a, b) => b.count - a.count || a.first - b.first);
  return {
    ok: sloResults.every((s) => s.ok),
    slos: sloResults,
    failures,
    totals,
    latency,
    reconnects: { count: reconnectTimes.length, stats: latencyStats(reconnectTimes), neverReconnected },
    pods: [...lifecycles.values()].sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0)),
    noReadyIntervals: noReady,
    buckets,
    warnings,
    startedAt,
    endedAt,
  };
}

function bucketize(
  records: readonly TrafficRecord[],
  intervals: readonly ReadyInterval[],
  startedAt: number,
  endedAt: number,
): SecondBucket[] {
  const count = Math.max(1, Math.ceil((endedAt - startedAt) / 1000));
  const buckets: SecondBucket[] = [];
  const latencies: number[][] = [];
  for (let s = 0; s < count; s++) {
    const end = startedAt + (s + 1) * 1000;
    const ready = intervals.find((i) => end > i.from && end <= i.to) ?? intervals[intervals.length - 1];
    buckets.push({
      second: s,
      completed: zeroByKind(),
      failed: zeroByKind(),
      p50: 0,
      p90: 0,
      p99: 0,
      openStreams: 0,
      openWebSockets: 0,
      readyPods: ready?.ready ?? 0,
    });
    latencies.push([]);
  }
  const index = (t: number): number => Math.min(count - 1, Math.max(0, Math.floor((t - startedAt) / 1000)));
  for (const record of records) {
    const bucket = buckets[index(record.end)];
    if (!bucket) continue;
    bucket.completed[record.kind]++;
    if (isFailure(record.outcome)) bucket.failed[record.kind]++;
    if (record.outcome === "ok" && (record.kind === "http-reused" || record.kind === "http-fresh")) {
      latencies[index(record.end)]?.push(record.end - record.start);
    }
    if (isStreamKind(record.kind) && record.established !== undefined) {
      for (let s = index(record.established); s <= index(record.end); s++) {
        const b = buckets[s];
        if (!b) continue;
        if (record.kind === "sse") b.openStreams++;
        else b.openWebSockets++;
      }
    }
  }
  for (let s = 0; s < count; s++) {
    const sorted = (latencies[s] ?? []).sort((a, b) => a - b);
    const bucket = buckets[s];
    if (!bucket) continue;
    bucket.p50 = percentile(sorted, 0.5);
    bucket.p90 = percentile(sorted, 0.9);
    bucket.p99 = percentile(sorted, 0.99);
  }
  return buckets;
}
