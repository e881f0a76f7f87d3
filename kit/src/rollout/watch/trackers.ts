/**
 * Trackers turn successive states of Kubernetes objects into timeline events. They are pure
 * (state in, events out), so they are tested with recorded objects and no cluster.
 */
import type {
  CoreV1Event,
  V1Deployment,
  V1EndpointSlice,
  V1Pod,
  V1ReplicaSet,
} from "@kubernetes/client-node";
import type { TimelineEvent } from "../types.ts";

/** WatchEventType is the type of a watch event (ADDED, MODIFIED, DELETED; BOOKMARK is ignored). */
export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

interface PodState {
  ready: boolean;
  terminating: boolean;
  terminated: Set<string>;
  /** The last waiting reason seen per container. */
  waiting: Map<string, string>;
}

/** Waiting reasons every container passes through on a normal start: not worth a timeline event. */
const ROUTINE_WAITING = new Set(["ContainerCreating", "PodInitializing"]);

function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

function ownerName(meta: { ownerReferences?: { name: string }[] } | undefined): string | undefined {
  return meta?.ownerReferences?.[0]?.name;
}

/** PodTracker follows pods: created, ready, not ready, terminating, containers exiting, deleted. */
export class PodTracker {
  private readonly pods = new Map<string, PodState>();

  /** names are the pods seen so far. */
  get names(): string[] {
    return [...this.pods.keys()];
  }

  /** update folds one watch event (or one listed object, with initial) into events. */
  update(type: WatchEventType, pod: V1Pod, time: number, initial = false): TimelineEvent[] {
    const name = pod.metadata?.name;
    if (name === undefined) return [];
    const owner = ownerName(pod.metadata);
    const events: TimelineEvent[] = [];
    const mark = initial ? { initial: true } : {};
    let state = this.pods.get(name);
    if (!state) {
      state = { ready: false, terminating: false, terminated: new Set(), waiting: new Map() };
      this.pods.set(name, state);
      const containers = pod.spec?.containers ?? [];
      events.push({
        time,
        kind: "pod-created",
        pod: name,
        ...(owner === undefined ? {} : { owner }),
        hasReadinessProbe: containers.some((c) => c.readinessProbe !== undefined),
        hasPreStop: containers.some((c) => c.lifecycle?.preStop !== undefined),
        gracePeriodSeconds: pod.spec?.terminationGracePeriodSeconds ?? 30,
        ...mark,
      });
    }
    if (type === "DELETED") {
      this.pods.delete(name);
      events.push({ time, kind: "pod-deleted", pod: name });
      return events;
    }
    const ready = isPodReady(pod);
    if (ready && !state.ready) events.push({ time, kind: "pod-ready", pod: name, ...mark });
    if (!ready && state.ready) events.push({ time, kind: "pod-not-ready", pod: name });
    state.ready = ready;
    if (pod.metadata?.deletionTimestamp !== undefined && !state.terminating) {
      state.terminating = true;
      const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
      events.push({
        time,
        kind: "pod-terminating",
        pod: name,
        gracePeriodSeconds: grace,
        detail: `deletion requested, grace period ${grace} s (SIGTERM after any preStop hook)`,
        ...mark,
      });
    }
    for (const status of pod.status?.containerStatuses ?? []) {
      const waiting = status.state?.waiting?.reason ?? "";
      if (waiting !== (state.waiting.get(status.name) ?? "")) {
        state.waiting.set(status.name, waiting);
        if (waiting !== "" && !ROUTINE_WAITING.has(waiting)) {
          const message = status.state?.waiting?.message;
          events.push({
            time,
            kind: "container-waiting",
            pod: name,
            reason: waiting,
            image: status.image,
            detail: `container ${status.name} waiting: ${waiting}${message ? ` (${message})` : ""}`,
            ...mark,
          });
        }
      }
      const terminated = status.state?.terminated;
      if (terminated === undefined || state.terminated.has(status.name)) continue;
      state.terminated.add(status.name);
      events.push({
        time,
        kind: "container-terminated",
        pod: name,
        exitCode: terminated.exitCode,
        ...(terminated.reason === undefined ? {} : { reason: terminated.reason }),
        detail: `container ${status.name} exited with code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ""}`,
        ...mark,
      });
    }
    return events;
  }
}

interface EndpointState {
  ready: boolean;
  terminating: boolean;
}

/**
 * SliceTracker follows the EndpointSlices of the release's Services: when each pod becomes a
 * ready endpoint, stops being ready (kube-proxy stops sending it new connections), or is removed.
 * A pod's state is the union over all slices.
 */
export class SliceTracker {
  private readonly slices = new Map<string, Map<string, EndpointState>>();
  private current = new Map<string, EndpointState>();

  constructor(private readonly acceptPod: (pod: string) => boolean = () => true) {}

  /** update folds one slice event into events. */
  update(type: WatchEventType, slice: V1EndpointSlice, time: number, initial = false): TimelineEvent[] {
    const sliceName = slice.metadata?.name ?? "";
    if (type === "DELETED") this.slices.delete(sliceName);
    else {
      const endpoints = new Map<string, EndpointState>();
      for (const endpoint of slice.endpoints ?? []) {
        const pod = endpoint.targetRef?.kind === "Pod" ? endpoint.targetRef.name : undefined;
        if (pod === undefined || !this.acceptPod(pod)) continue;
        endpoints.set(pod, {
          ready: endpoint.conditions?.ready ?? true,
          terminating: endpoint.conditions?.terminating ?? false,
        });
      }
      this.slices.set(sliceName, endpoints);
    }
    const next = new Map<string, EndpointState>();
    for (const endpoints of this.slices.values()) {
      for (const [pod, state] of endpoints) {
        const seen = next.get(pod);
        next.set(pod, {
          ready: (seen?.ready ?? false) || state.ready,
          terminating: (seen?.terminating ?? false) || state.terminating,
        });
      }
    }
    const events: TimelineEvent[] = [];
    const mark = initial ? { initial: true } : {};
    for (const [pod, state] of next) {
      const before = this.current.get(pod);
      if (state.ready && !before?.ready) events.push({ time, kind: "endpoint-ready", pod, ...mark });
      if (!state.ready && before?.ready) {
        events.push({
          time,
          kind: "endpoint-not-ready",
          pod,
          detail: state.terminating ? "terminating" : "not ready",
        });
      }
    }
    for (const [pod, before] of this.current) {
      if (!next.has(pod)) {
        events.push({
          time,
          kind: "endpoint-removed",
          pod,
          detail: before.ready ? "removed while ready" : "removed",
        });
      }
    }
    this.current = next;
    return events;
  }
}

/** ReplicaSetTracker reports ReplicaSets being scaled (the Deployment controller's steps). */
export class ReplicaSetTracker {
  private readonly replicas = new Map<string, number>();

  /** names are the ReplicaSets seen so far. */
  get names(): string[] {
    return [...this.replicas.keys()];
  }

  /** update folds one ReplicaSet event into events. */
  update(type: WatchEventType, rs: V1ReplicaSet, time: number, initial = false): TimelineEvent[] {
    const name = rs.metadata?.name;
    if (name === undefined) return [];
    const previous = this.replicas.get(name);
    if (type === "DELETED") {
      this.replicas.delete(name);
      return [];
    }
    const replicas = rs.spec?.replicas ?? 1;
    this.replicas.set(name, replicas);
    if (initial || previous === replicas || (previous === undefined && replicas === 0)) return [];
    return [
      {
        time,
        kind: "rs-scaled",
        owner: name,
        replicas,
        previousReplicas: previous ?? 0,
        detail: `replicas ${previous ?? 0} -> ${replicas}`,
      },
    ];
  }
}

/** DeploymentTracker reports each Deployment's replicas and rolling update strategy when they change. */
export class DeploymentTracker {
  private readonly last = new Map<string, string>();

  /** names are the Deployments seen so far. */
  get names(): string[] {
    return [...this.last.keys()];
  }

  /** update folds one Deployment event into events. */
  update(type: WatchEventType, deployment: V1Deployment, time: number, initial = false): TimelineEvent[] {
    const name = deployment.metadata?.name;
    if (name === undefined || type === "DELETED") return [];
    const strategy = deployment.spec?.strategy;
    const rolling = strategy?.rollingUpdate;
    const event: TimelineEvent = {
      time,
      kind: "deployment-spec",
      owner: name,
      replicas: deployment.spec?.replicas ?? 1,
      maxSurge: strategy?.type === "Recreate" ? "0" : String(rolling?.maxSurge ?? "25%"),
      maxUnavailable: strategy?.type === "Recreate" ? "100%" : String(rolling?.maxUnavailable ?? "25%"),
      detail: `strategy ${strategy?.type ?? "RollingUpdate"}`,
      ...(initial ? { initial: true } : {}),
    };
    const key = JSON.stringify([event.replicas, event.maxSurge, event.maxUnavailable, event.detail]);
    if (this.last.get(name) === key) return [];
    this.last.set(name, key);
    return [event];
  }
}

/** kubeEventToTimeline turns a Kubernetes Event about a known object into a timeline event. */
export function kubeEventToTimeline(
  event: CoreV1Event,
  time: number,
  isKnown: (kind: string, name: string) => boolean,
): TimelineEvent | undefined {
  const involved = event.involvedObject;
  if (involved?.name === undefined || involved.kind === undefined || !isKnown(involved.kind, involved.name))
    return undefined;
  return {
    time,
    kind: "k8s-event",
    ...(involved.kind === "Pod" ? { pod: involved.name } : { owner: involved.name }),
    ...(event.reason === undefined ? {} : { reason: event.reason }),
    detail: `${event.type ?? "Normal"} ${event.reason ?? ""}: ${event.message ?? ""}`.trim(),
  };
}
