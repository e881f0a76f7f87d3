/**
 * Evidence is what the analysis found behind a failure, as data: the class, the pod, the times
 * and the pod event it is measured from. Each kind of evidence names the rule that found it, since
 * one class can be reached by different routes that cite different facts; report/causes.ts turns
 * each into its sentence and states nothing the evidence does not hold.
 */
import type { ProbeKind, TrafficRecord } from "../types.ts";
import type { ReadyInterval } from "./pods.ts";

/** FailedDuringOutage: the failure happened while no pod was ready. */
export interface FailedDuringOutage {
  rule: "failed-during-outage";
  class: "no-ready-pod";
  outage: ReadyInterval;
  /** The Deployment's strategy (replicas, maxUnavailable, maxSurge), when recorded. */
  strategy?: string;
}

/** ErrorWhileWarmingUp: a pod without a readiness probe answered an error just after it joined the endpoints. */
export interface ErrorWhileWarmingUp {
  rule: "error-while-warming-up";
  class: "no-readiness-probe";
  pod: string;
  status: number;
  at: number;
  readyAt: number;
}

/** ErrorStatus: a pod (or the target, when the pod is not known) answered an HTTP error. */
export interface ErrorStatus {
  rule: "error-status";
  class: "pod-error-status";
  pod?: string;
  status: number;
  /** Whether the pod had got SIGTERM when it answered. */
  whileShuttingDown: boolean;
}

/** CutAtKill: a connection was cut when the kubelet killed its pod at the end of the grace period. */
export interface CutAtKill {
  rule: "cut-at-kill";
  /** ignores-sigterm when the pod's streams never got a final event, grace-too-short when it drained them. */
  class: "ignores-sigterm" | "grace-too-short";
  pod: string;
  record: TrafficRecord;
  gracePeriodSeconds: number;
  exitCode?: number;
}

/**
 * KilledAtGrace: a pod that began terminating during the run was killed at the end of its grace
 * period, whether or not the kill cut anything this run could see.
 */
export interface KilledAtGrace {
  rule: "killed-at-grace";
  /** ignores-sigterm when the pod's streams never got a final event, grace-too-short otherwise. */
  class: "ignores-sigterm" | "grace-too-short";
  pod: string;
  gracePeriodSeconds: number;
  exitCode?: number;
}

/** StreamCutAfterSigterm: a stream or WebSocket that a pod served was cut after the pod got SIGTERM. */
export interface StreamCutAfterSigterm {
  rule: "stream-cut-after-sigterm";
  class: "exits-on-sigterm";
  pod: string;
  record: TrafficRecord;
  at: number;
  sigtermAt: number;
  exitCode?: number;
}

/** FailedAfterReady: a failure just after a new pod without a (real) readiness probe became ready. */
export interface FailedAfterReady {
  rule: "failed-after-ready";
  class: "no-readiness-probe";
  pod: string;
  record: TrafficRecord;
  at: number;
  readyAt: number;
  hasReadinessProbe?: boolean;
}

/** FailedNearStreamCutter: a failure while a pod that cut its streams was shutting down. */
export interface FailedNearStreamCutter {
  rule: "failed-near-stream-cutter";
  class: "exits-on-sigterm";
  pod: string;
  record: TrafficRecord;
  at: number;
  sigtermAt: number;
}

/** InFlightReset: a request in flight on a kept-alive connection, or a slow one, reset by a draining pod. */
export interface InFlightReset {
  rule: "in-flight-reset";
  class: "in-flight-cut";
  pod: string;
  record: TrafficRecord;
  at: number;
  sigtermAt: number;
}

/** FailedAfterLeaving: a failure right after a pod left the endpoints (or got SIGTERM). */
export interface FailedAfterLeaving {
  rule: "failed-after-leaving";
  class: "no-prestop-drain";
  pod: string;
  record: TrafficRecord;
  at: number;
  sigtermAt: number;
  endpointRemovedAt?: number;
  hasPreStop?: boolean;
}

/** Unexplained: a failure near no rollout event. */
export interface Unexplained {
  rule: "unexplained";
  class: "unexplained";
  pod?: string;
  record: TrafficRecord;
}

/** SlowReconnect: a stream or WebSocket reconnected, later than the SLO allows. */
export interface SlowReconnect {
  rule: "slow-reconnect";
  class: "slow-reconnect";
  /** The pod that closed the lost connection, when known. */
  pod?: string;
  kind: ProbeKind;
  reconnectMs: number;
  limitMs: number;
  /** Whether the lost connection was cut while no pod was ready. */
  duringOutage: boolean;
}

/** NeverReconnected: a stream or WebSocket lost and not back before the run ended. */
export interface NeverReconnected {
  rule: "never-reconnected";
  class: "slow-reconnect";
  pod?: string;
  kind: ProbeKind;
  lostAt: number;
  runStartedAt: number;
}

/** Outage: no pod was ready for a while, though no request failed for it. */
export interface Outage {
  rule: "outage";
  class: "no-ready-pod";
  outageMs: number;
  strategy?: string;
}

/** Stalled: the upgrade was stopped because a new pod could not start. */
export interface Stalled {
  rule: "stalled";
  class: "rollout-stalled";
  pod?: string;
  reason?: string;
  detail?: string;
}

/** RecordEvidence is what the classifier can find behind one failed record. */
export type RecordEvidence =
  | FailedDuringOutage
  | ErrorWhileWarmingUp
  | ErrorStatus
  | CutAtKill
  | StreamCutAfterSigterm
  | FailedAfterReady
  | FailedNearStreamCutter
  | InFlightReset
  | FailedAfterLeaving
  | Unexplained;

/** Evidence is any finding that becomes a failure group. */
export type Evidence = RecordEvidence | KilledAtGrace | SlowReconnect | NeverReconnected | Outage | Stalled;
