/**
 * stall finds a rollout that cannot progress: a new pod whose container cannot start (its image
 * cannot be pulled, it crash-loops, its configuration is missing) or a ReplicaSet that cannot
 * create or place its pods, for longer than a bound. helm's `--wait` would sit out its whole
 * timeout (10 minutes) on these; the rollout test stops at once and names the reason instead.
 * Pure: the timeline in, the stall (or none) out.
 */
import type { TimelineEvent } from "../types.ts";

/** STALL_REASONS are container waiting reasons that waiting does not cure. */
export const STALL_REASONS: ReadonlySet<string> = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "ErrImageNeverPull",
  "CrashLoopBackOff",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
]);

/** STALL_EVENTS are Warning event reasons that keep a new pod from existing or being placed. */
export const STALL_EVENTS: ReadonlySet<string> = new Set(["FailedCreate", "FailedScheduling"]);

/** DEFAULT_STALL_MS is how long a stuck pod may stay stuck before the rollout is called stalled. */
export const DEFAULT_STALL_MS = 30_000;

/** Stall is the evidence that a rollout cannot progress. */
export interface Stall {
  /** The Kubernetes reason, e.g. ImagePullBackOff. */
  reason: string;
  /** The pod stuck, or the ReplicaSet that cannot create pods. */
  pod?: string;
  owner?: string;
  image?: string;
  /** What Kubernetes said. */
  message: string;
  /** When the object was first seen stuck (epoch ms). */
  since: number;
}

const isStuckSignal = (e: TimelineEvent): boolean =>
  (e.kind === "container-waiting" && STALL_REASONS.has(e.reason ?? "")) ||
  (e.kind === "k8s-event" && STALL_EVENTS.has(e.reason ?? "") && (e.detail ?? "").startsWith("Warning"));

/**
 * findStall returns the first object stuck for at least stallMs by `now`, among the signals seen
 * after the upgrade started. A pod that became ready or was deleted since, or a ReplicaSet that
 * created a pod since, is not stuck.
 */
export function findStall(
  timeline: readonly TimelineEvent[],
  options: { now: number; upgradeStartedAt: number; stallMs?: number },
): Stall | undefined {
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  const stuck = new Map<string, { since: number; last: TimelineEvent }>();
  const events = [...timeline].sort((a, b) => a.time - b.time);
  for (const e of events) {
    if (e.time < options.upgradeStartedAt || e.initial) continue;
    if (isStuckSignal(e)) {
      const key = e.pod !== undefined ? `pod/${e.pod}` : `owner/${e.owner ?? ""}`;
      const seen = stuck.get(key);
      stuck.set(key, { since: seen?.since ?? e.time, last: e });
      continue;
    }
    if ((e.kind === "pod-ready" || e.kind === "pod-deleted") && e.pod !== undefined)
      stuck.delete(`pod/${e.pod}`);
    if (e.kind === "pod-created" && e.owner !== undefined) stuck.delete(`owner/${e.owner}`);
  }
  const due = [...stuck.values()]
    .filter((s) => options.now - s.since >= stallMs)
    .sort((a, b) => a.since - b.since)[0];
  if (!due) return undefined;
  const { last } = due;
  return {
    reason: last.reason ?? "unknown",
    ...(last.pod === undefined ? {} : { pod: last.pod }),
    ...(last.owner === undefined ? {} : { owner: last.owner }),
    ...(last.image === undefined ? {} : { image: last.image }),
    message: last.detail ?? last.reason ?? "",
    since: due.since,
  };
}

/** describeStall is the one sentence a report gives a stall. */
export function describeStall(stall: Stall, stallMs: number): string {
  const what = stall.pod ? `pod ${stall.pod}` : `ReplicaSet ${stall.owner ?? "?"}`;
  const image = stall.image ? ` (image ${stall.image})` : "";
  return `the rollout cannot progress: ${what}${image} stayed ${stall.reason} for ${Math.round(stallMs / 1000)} s: ${stall.message}`;
}
