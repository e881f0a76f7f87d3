/**
 * The classifier: an ordered table of rules, each looking for one way a rollout loses traffic.
 * The first rule whose evidence a failed record matches gives its class; `unexplained`, last,
 * matches anything.
 */
import type { TrafficRecord } from "../types.ts";
import type {
  CutAtKill,
  ErrorStatus,
  ErrorWhileWarmingUp,
  FailedAfterLeaving,
  FailedAfterReady,
  FailedDuringOutage,
  FailedNearStreamCutter,
  InFlightReset,
  RecordEvidence,
  StreamCutAfterSigterm,
  Unexplained,
} from "./evidence.ts";
import {
  gracePeriodSeconds,
  ignoredSigterm,
  isStreamKind,
  justJoined,
  killedNear,
  type PodFacts,
  readyNear,
  terminatingNear,
} from "./facts.ts";
import type { ReadyInterval } from "./pods.ts";
import { GRACEFUL_DRAIN_MS, OUTAGE_AFTERMATH_MS } from "./windows.ts";

/** ClassifyContext is what the rules match a record against. */
export interface ClassifyContext {
  pods: Map<string, PodFacts>;
  /** Spans with no ready pod. */
  noReady: readonly ReadyInterval[];
  /** Slack when matching a failure to a cluster event. */
  tol: number;
  /** The Deployment's strategy, for the no-ready-pod cause. */
  strategy: string | undefined;
}

/** Rule finds the evidence for one failure class in a failed record, or nothing. */
export interface Rule<E extends RecordEvidence = RecordEvidence> {
  class: E["class"];
  matches(record: TrafficRecord, context: ClassifyContext): E | undefined;
}

function servedBy(record: TrafficRecord, context: ClassifyContext): PodFacts | undefined {
  return record.pod === undefined ? undefined : context.pods.get(record.pod);
}

function cutAtKill(record: TrafficRecord, pod: PodFacts): CutAtKill {
  return {
    rule: "cut-at-kill",
    class: ignoredSigterm(pod) ? "ignores-sigterm" : "grace-too-short",
    pod: pod.name,
    record,
    gracePeriodSeconds: gracePeriodSeconds(pod),
    ...(pod.exitCode === undefined ? {} : { exitCode: pod.exitCode }),
  };
}

/** A stream or WebSocket that was established and then cut: the pod that served it is known. */
function servedStreamCut(record: TrafficRecord, context: ClassifyContext): PodFacts | undefined {
  return isStreamKind(record.kind) && record.outcome === "abrupt" ? servedBy(record, context) : undefined;
}

/** The kill at the end of the grace period of the pod that served this stream cut it. */
function servedStreamCutAtKill(record: TrafficRecord, context: ClassifyContext): CutAtKill | undefined {
  const pod = servedStreamCut(record, context);
  if (!pod?.killedAtGrace || killedNear(context.pods, record.end, context.tol) !== pod) return undefined;
  return cutAtKill(record, pod);
}

/** A kill at the end of a grace period cut this connection, established or in flight (not refused). */
function connectionCutAtKill(record: TrafficRecord, context: ClassifyContext): CutAtKill | undefined {
  if (record.outcome === "refused") return undefined;
  const killed = killedNear(context.pods, record.end, context.tol);
  if (!killed) return undefined;
  if (record.established === undefined && record.kind !== "slow" && record.kind !== "http-reused")
    return undefined;
  return cutAtKill(record, killed);
}

/** withClass keeps a finding only when it gives the class wanted (one finding, two classes). */
function withClass<E extends CutAtKill>(
  find: (record: TrafficRecord, context: ClassifyContext) => E | undefined,
  wanted: E["class"],
): (record: TrafficRecord, context: ClassifyContext) => E | undefined {
  return (record, context) => {
    const evidence = find(record, context);
    return evidence?.class === wanted ? evidence : undefined;
  };
}

const failedDuringOutage: Rule<FailedDuringOutage> = {
  class: "no-ready-pod",
  matches(record, { noReady, strategy }) {
    const at = record.end;
    const outage = noReady.find((i) => at >= i.from && at <= i.to + OUTAGE_AFTERMATH_MS);
    if (!outage) return undefined;
    return { rule: "failed-during-outage", class: "no-ready-pod", outage, ...(strategy ? { strategy } : {}) };
  },
};

/** An app still warming up answers errors just after joining the endpoints: it was sent traffic before it could serve. */
const errorWhileWarmingUp: Rule<ErrorWhileWarmingUp> = {
  class: "no-readiness-probe",
  matches(record, context) {
    if (record.outcome !== "http-error") return undefined;
    const pod = servedBy(record, context);
    const at = record.end;
    const joinedAt = pod?.initial ? undefined : pod?.readyAt;
    if (
      pod?.hasReadinessProbe !== false ||
      isShuttingDown(pod, at, context.tol) ||
      joinedAt === undefined ||
      !justJoined(joinedAt, at, context.tol)
    ) {
      return undefined;
    }
    return {
      rule: "error-while-warming-up",
      class: "no-readiness-probe",
      pod: pod.name,
      status: record.status ?? 0,
      at,
      readyAt: joinedAt,
    };
  },
};

function isShuttingDown(pod: PodFacts | undefined, at: number, tol: number): boolean {
  return pod?.terminatingAt !== undefined && at >= pod.terminatingAt - tol;
}

const errorStatus: Rule<ErrorStatus> = {
  class: "pod-error-status",
  matches(record, context) {
    if (record.outcome !== "http-error") return undefined;
    return {
      rule: "error-status",
      class: "pod-error-status",
      ...(record.pod === undefined ? {} : { pod: record.pod }),
      status: record.status ?? 0,
      whileShuttingDown: isShuttingDown(servedBy(record, context), record.end, context.tol),
    };
  },
};

const streamCutAfterSigterm: Rule<StreamCutAfterSigterm> = {
  class: "exits-on-sigterm",
  matches(record, context) {
    const pod = servedStreamCut(record, context);
    if (pod?.terminatingAt === undefined || !isShuttingDown(pod, record.end, context.tol)) return undefined;
    return {
      rule: "stream-cut-after-sigterm",
      class: "exits-on-sigterm",
      pod: pod.name,
      record,
      at: record.end,
      sigtermAt: pod.terminatingAt,
      ...(pod.exitCode === undefined ? {} : { exitCode: pod.exitCode }),
    };
  },
};

const failedAfterReady: Rule<FailedAfterReady> = {
  class: "no-readiness-probe",
  matches(record, context) {
    const pod = readyNear(context.pods, record.end, context.tol);
    if (pod?.readyAt === undefined) return undefined;
    return {
      rule: "failed-after-ready",
      class: "no-readiness-probe",
      pod: pod.name,
      record,
      at: record.end,
      readyAt: pod.readyAt,
      ...(pod.hasReadinessProbe === undefined ? {} : { hasReadinessProbe: pod.hasReadinessProbe }),
    };
  },
};

/** The pod shutting down around the failure. */
function leaving(record: TrafficRecord, context: ClassifyContext): PodFacts | undefined {
  return terminatingNear(context.pods, record.end, context.tol);
}

const failedNearStreamCutter: Rule<FailedNearStreamCutter> = {
  class: "exits-on-sigterm",
  matches(record, context) {
    const pod = leaving(record, context);
    if (pod?.terminatingAt === undefined || pod.abruptCloses === 0 || pod.killedAtGrace) return undefined;
    return {
      rule: "failed-near-stream-cutter",
      class: "exits-on-sigterm",
      pod: pod.name,
      record,
      at: record.end,
      sigtermAt: pod.terminatingAt,
    };
  },
};

const inFlightReset: Rule<InFlightReset> = {
  class: "in-flight-cut",
  matches(record, context) {
    const pod = leaving(record, context);
    if (pod?.terminatingAt === undefined || record.outcome !== "reset") return undefined;
    const sigtermAt = pod.terminatingAt;
    const inFlight = record.kind === "http-reused" || (record.kind === "slow" && record.start < sigtermAt);
    if (!inFlight || record.end - sigtermAt < GRACEFUL_DRAIN_MS) return undefined;
    return {
      rule: "in-flight-reset",
      class: "in-flight-cut",
      pod: pod.name,
      record,
      at: record.end,
      sigtermAt,
    };
  },
};

const failedAfterLeaving: Rule<FailedAfterLeaving> = {
  class: "no-prestop-drain",
  matches(record, context) {
    const pod = leaving(record, context);
    if (pod?.terminatingAt === undefined) return undefined;
    return {
      rule: "failed-after-leaving",
      class: "no-prestop-drain",
      pod: pod.name,
      record,
      at: record.end,
      sigtermAt: pod.terminatingAt,
      ...(pod.endpointRemovedAt === undefined ? {} : { endpointRemovedAt: pod.endpointRemovedAt }),
      ...(pod.hasPreStop === undefined ? {} : { hasPreStop: pod.hasPreStop }),
    };
  },
};

function unexplainedEvidence(record: TrafficRecord): Unexplained {
  return {
    rule: "unexplained",
    class: "unexplained",
    ...(record.pod === undefined ? {} : { pod: record.pod }),
    record,
  };
}

const unexplained: Rule<Unexplained> = { class: "unexplained", matches: unexplainedEvidence };

/**
 * RULES in the order they are tried. Order carries meaning: an outage explains everything in it;
 * an HTTP error is the pod's answer, whatever else happened; the pod that served a cut stream is
 * blamed before a pod that merely shut down nearby.
 */
export const RULES: readonly Rule[] = [
  failedDuringOutage,
  errorWhileWarmingUp,
  errorStatus,
  // A stream cut by the kill of the pod that served it.
  { class: "ignores-sigterm", matches: withClass(servedStreamCutAtKill, "ignores-sigterm") },
  { class: "grace-too-short", matches: withClass(servedStreamCutAtKill, "grace-too-short") },
  streamCutAfterSigterm,
  // Any connection cut when some pod was killed at the end of its grace period.
  { class: "ignores-sigterm", matches: withClass(connectionCutAtKill, "ignores-sigterm") },
  { class: "grace-too-short", matches: withClass(connectionCutAtKill, "grace-too-short") },
  failedAfterReady,
  // The rest blame the pod shutting down around the failure.
  failedNearStreamCutter,
  inFlightReset,
  failedAfterLeaving,
  unexplained,
];

/**
 * contradiction says why evidence cannot stand when a fact about its pod disproves the cause it
 * would print, or undefined. "Exits at once on SIGTERM" cannot be said of a pod that kept answering
 * requests well after the failure it is blamed for: an app that exits at once serves nothing after
 * the connections it cut. (Serving after the pod began terminating proves nothing: a preStop hook
 * runs before SIGTERM is sent.)
 */
export function contradiction(evidence: RecordEvidence, context: ClassifyContext): string | undefined {
  if (evidence.class !== "exits-on-sigterm" || evidence.pod === undefined || !("at" in evidence))
    return undefined;
  const pod = context.pods.get(evidence.pod);
  if (pod?.servedOkUntil === undefined) return undefined;
  const servedAfter = pod.servedOkUntil - evidence.at;
  return servedAfter >= GRACEFUL_DRAIN_MS + context.tol
    ? `pod ${pod.name} kept serving ${(servedAfter / 1000).toFixed(1)} s after the failure`
    : undefined;
}

/**
 * classify finds the evidence behind a failed record: the first rule that matches and that no fact
 * contradicts.
 */
export function classify(record: TrafficRecord, context: ClassifyContext): RecordEvidence {
  for (const rule of RULES) {
    const evidence = rule.matches(record, context);
    if (evidence && contradiction(evidence, context) === undefined) return evidence;
  }
  return unexplainedEvidence(record);
}
