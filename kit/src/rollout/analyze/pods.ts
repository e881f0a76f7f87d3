import type { TimelineEvent } from "../types.ts";

/** PodLifecycle is what the timeline says about one pod, in epoch ms. */
export interface PodLifecycle {
  name: string;
  /** Whether the pod already existed when the watch started. */
  initial: boolean;
  createdAt?: number;
  readyAt?: number;
  notReadyAt?: number;
  /** When its deletion timestamp was set: the kubelet sends SIGTERM (after any preStop hook). */
  terminatingAt?: number;
  endpointRemovedAt?: number;
  exitedAt?: number;
  exitCode?: number;
  exitReason?: string;
  deletedAt?: number;
  gracePeriodSeconds?: number;
  hasReadinessProbe?: boolean;
  hasPreStop?: boolean;
}

/** podLifecycles folds the timeline into one lifecycle per pod (first occurrence of each fact wins). */
export function podLifecycles(timeline: readonly TimelineEvent[]): Map<string, PodLifecycle> {
  const pods = new Map<string, PodLifecycle>();
  const get = (name: string): PodLifecycle => {
    let pod = pods.get(name);
    if (!pod) {
      pod = { name, initial: false };
      pods.set(name, pod);
    }
    return pod;
  };
  for (const event of [...timeline].sort((a, b) => a.time - b.time)) {
    if (event.pod === undefined) continue;
    const pod = get(event.pod);
    switch (event.kind) {
      case "pod-created":
        pod.createdAt ??= event.time;
        if (event.initial) pod.initial = true;
        if (event.hasReadinessProbe !== undefined) pod.hasReadinessProbe = event.hasReadinessProbe;
        if (event.hasPreStop !== undefined) pod.hasPreStop = event.hasPreStop;
        if (event.gracePeriodSeconds !== undefined) pod.gracePeriodSeconds ??= event.gracePeriodSeconds;
        break;
      case "pod-ready":
        if (event.initial) pod.initial = true;
        pod.readyAt ??= event.time;
        break;
      case "pod-not-ready":
        pod.notReadyAt ??= event.time;
        break;
      case "pod-terminating":
        pod.terminatingAt ??= event.time;
        if (event.gracePeriodSeconds !== undefined) pod.gracePeriodSeconds = event.gracePeriodSeconds;
        break;
      case "endpoint-not-ready":
      case "endpoint-removed":
        pod.endpointRemovedAt ??= event.time;
        break;
      case "container-terminated":
        if (pod.exitedAt === undefined) {
          pod.exitedAt = event.time;
          if (event.exitCode !== undefined) pod.exitCode = event.exitCode;
          if (event.reason !== undefined) pod.exitReason = event.reason;
        }
        break;
      case "pod-deleted":
        pod.deletedAt ??= event.time;
        break;
      default:
        break;
    }
  }
  return pods;
}

/** ReadyInterval is a span during which the given number of pods were ready to receive traffic. */
export interface ReadyInterval {
  from: number;
  to: number;
  ready: number;
}

/**
 * readyIntervals follows how many pods were ready over [from, to]. It trusts EndpointSlices when
 * the timeline has endpoint events (that is what kube-proxy routes by) and pod readiness otherwise.
 */
export function readyIntervals(
  timeline: readonly TimelineEvent[],
  from: number,
  to: number,
): ReadyInterval[] {
  const sorted = [...timeline].sort((a, b) => a.time - b.time);
  const useEndpoints = sorted.some((e) => e.kind.startsWith("endpoint-"));
  const readyKinds = useEndpoints ? ["endpoint-ready"] : ["pod-ready"];
  const unreadyKinds = useEndpoints
    ? ["endpoint-not-ready", "endpoint-removed"]
    : ["pod-not-ready", "pod-terminating", "pod-deleted", "container-terminated"];
  const ready = new Set<string>();
  const intervals: ReadyInterval[] = [];
  let cursor = from;
  const close = (until: number): void => {
    if (until > cursor) intervals.push({ from: cursor, to: until, ready: ready.size });
    cursor = Math.max(cursor, until);
  };
  for (const event of sorted) {
    if (event.pod === undefined) continue;
    const becomesReady = readyKinds.includes(event.kind);
    const becomesUnready = unreadyKinds.includes(event.kind);
    if (!becomesReady && !becomesUnready) continue;
    if (becomesReady === ready.has(event.pod)) continue;
    close(Math.min(Math.max(event.time, from), to));
    if (becomesReady) ready.add(event.pod);
    else ready.delete(event.pod);
  }
  close(to);
  return intervals;
}
