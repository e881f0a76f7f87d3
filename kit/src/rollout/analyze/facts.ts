/** What the classifier knows about each pod: its lifecycle, how it ended, how its streams closed. */
import type { ProbeKind, TrafficRecord } from "../types.ts";
import type { PodLifecycle } from "./pods.ts";
import {
  DEFAULT_GRACE_PERIOD_SECONDS,
  READY_AT_ONCE_MS,
  READY_LEAD_MS,
  SIGKILL_EXIT_CODE,
  WARM_UP_MS,
} from "./windows.ts";

/** PodFacts is a pod's lifecycle plus what the analysis derived from it and from its traffic. */
export interface PodFacts extends PodLifecycle {
  /** Whether the kubelet killed it at the end of its grace period (exit 137, or an exit that late). */
  killedAtGrace: boolean;
  /** When the kill at the end of the grace period happened (or would have). */
  killAt?: number;
  /** Streams and WebSockets it closed with their final event, and those it cut. */
  gracefulCloses: number;
  abruptCloses: number;
  /** When the last request it answered successfully ended (any probe kind), if it answered one. */
  servedOkUntil?: number;
}

/** isStreamKind says whether a probe kind holds a connection open (SSE or WebSocket). */
export function isStreamKind(kind: ProbeKind): boolean {
  return kind === "sse" || kind === "ws";
}

/** gracePeriodSeconds is the pod's terminationGracePeriodSeconds, or the Kubernetes default. */
export function gracePeriodSeconds(pod: PodLifecycle): number {
  return pod.gracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS;
}

/** podFacts derives each pod's facts from its lifecycle and the streams it served. */
export function podFacts(
  pods: Map<string, PodLifecycle>,
  records: readonly TrafficRecord[],
  tol: number,
): Map<string, PodFacts> {
  const facts = new Map<string, PodFacts>();
  for (const pod of pods.values()) {
    const graceMs = gracePeriodSeconds(pod) * 1000;
    const killAt = pod.terminatingAt === undefined ? undefined : pod.terminatingAt + graceMs;
    const killedAtGrace =
      pod.terminatingAt !== undefined &&
      pod.exitedAt !== undefined &&
      (pod.exitCode === SIGKILL_EXIT_CODE || pod.exitedAt - pod.terminatingAt >= graceMs - tol);
    facts.set(pod.name, {
      ...pod,
      killedAtGrace,
      ...(killAt === undefined ? {} : { killAt }),
      gracefulCloses: 0,
      abruptCloses: 0,
    });
  }
  for (const record of records) {
    if (record.pod === undefined) continue;
    const pod = facts.get(record.pod);
    if (!pod) continue;
    if (record.outcome === "ok" || record.outcome === "graceful")
      pod.servedOkUntil = Math.max(pod.servedOkUntil ?? record.end, record.end);
    if (!isStreamKind(record.kind)) continue;
    if (record.outcome === "graceful") pod.gracefulCloses++;
    if (record.outcome === "abrupt") pod.abruptCloses++;
  }
  return facts;
}

/** ignoredSigterm: a pod that drained closes its streams with the final event before the kill; one that ignored SIGTERM still had them open. */
export function ignoredSigterm(pod: PodFacts): boolean {
  return pod.gracefulCloses === 0 && pod.abruptCloses > 0;
}

/**
 * terminatingNear finds the pod whose shutdown (SIGTERM until it exited and left the endpoints)
 * spans `at`, the one whose SIGTERM is closest when several do.
 */
export function terminatingNear(pods: Map<string, PodFacts>, at: number, tol: number): PodFacts | undefined {
  let best: PodFacts | undefined;
  for (const pod of pods.values()) {
    if (pod.terminatingAt === undefined) continue;
    const until =
      Math.max(pod.exitedAt ?? pod.terminatingAt, pod.endpointRemovedAt ?? pod.terminatingAt) + tol;
    if (at < pod.terminatingAt - tol || at > until) continue;
    if (!best || Math.abs(at - pod.terminatingAt) < Math.abs(at - (best.terminatingAt ?? 0))) best = pod;
  }
  return best;
}

/** killedNear finds a pod killed at the end of its grace period at about `at`. */
export function killedNear(pods: Map<string, PodFacts>, at: number, tol: number): PodFacts | undefined {
  for (const pod of pods.values()) {
    if (!pod.killedAtGrace) continue;
    // The kill happens at SIGTERM + grace; the kubelet reports the exit a little later.
    const nearKill = pod.killAt !== undefined && Math.abs(at - pod.killAt) <= tol;
    const nearExit = pod.exitedAt !== undefined && Math.abs(at - pod.exitedAt) <= tol;
    if (nearKill || nearExit) return pod;
  }
  return undefined;
}

/** justJoined says whether `at` falls in the warm-up window of a pod that became ready at `readyAt`. */
export function justJoined(readyAt: number, at: number, tol: number): boolean {
  return at >= readyAt - READY_LEAD_MS && at <= readyAt + WARM_UP_MS + tol;
}

/**
 * readyNear finds a new pod that became ready at about `at` without a readiness probe (or, when
 * the recording does not say, so soon after it was created that no probe can have waited).
 */
export function readyNear(pods: Map<string, PodFacts>, at: number, tol: number): PodFacts | undefined {
  for (const pod of pods.values()) {
    if (pod.initial || pod.readyAt === undefined) continue;
    if (justJoined(pod.readyAt, at, tol)) {
      if (pod.hasReadinessProbe === false) return pod;
      if (
        pod.hasReadinessProbe === undefined &&
        (pod.createdAt === undefined || pod.readyAt - pod.createdAt < READY_AT_ONCE_MS)
      ) {
        return pod;
      }
    }
  }
  return undefined;
}
