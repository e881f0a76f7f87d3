/** The shapes analyze() takes and returns. */
import type { Outcome, ProbeKind } from "../types.ts";
import type { Evidence } from "./evidence.ts";
import type { PodLifecycle, ReadyInterval } from "./pods.ts";
import type { LatentRisk } from "./risks.ts";
import type { LatencyStats } from "./stats.ts";

/** SloSettings are the limits a rollout must hold (kit.config.yaml `rollout.slo`). */
export interface SloSettings {
  maxFailedRequests: number;
  maxAbruptStreamCloses: number;
  maxAbruptWebSocketCloses: number;
  requireSlowRequestsComplete: boolean;
  maxReconnectMs: number;
  /** Fail the run on a latent risk (risks.ts) as well, not only report it. */
  failOnLatentRisks: boolean;
  /**
   * Fail the run when a pod that began terminating during it was killed at the end of its grace
   * period, whether or not the kill cut a connection the probe held at that instant.
   */
  requireExitWithinGrace: boolean;
}

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
 * - rollout-stalled: a new pod could not start (its Kubernetes reason in `reason`), so the upgrade was stopped.
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
  | "rollout-stalled"
  | "unexplained";

/**
 * FailureGroup is every failure of one class caused by one pod (or none), with the evidence that
 * names its cause (report/causes.ts says it in words).
 */
export interface FailureGroup {
  class: FailureClass;
  /** The pod whose lifecycle explains the failures, when one does. */
  pod?: string;
  /** rollout-stalled: the Kubernetes reason (ImagePullBackOff, CrashLoopBackOff, ...). */
  reason?: string;
  /** What the analysis found behind the group's first failure. */
  evidence: Evidence;
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
  /** Pod shutdowns that lose traffic under other timing, though this run lost none to them. */
  risks: LatentRisk[];
  warnings: string[];
  startedAt: number;
  endedAt: number;
}
