/**
 * The data kit rollout records: one TrafficRecord per request or connection the probe made, and
 * one TimelineEvent per thing the cluster (or the orchestrator) did. Both are plain JSON, stamped
 * with the same local clock (epoch milliseconds), so a recorded run can be replayed through the
 * analyzer as a fixture.
 */

/**
 * ProbeKind names a kind of traffic: keep-alive HTTP on reused connections, HTTP on a fresh
 * connection per request (measured apart, as OpenShift's disruption tests do), SSE streams,
 * WebSockets, and slow requests that span the rollout.
 */
export type ProbeKind = "http-reused" | "http-fresh" | "sse" | "ws" | "slow";

/** PROBE_KINDS lists every ProbeKind in display order. */
export const PROBE_KINDS: readonly ProbeKind[] = ["http-reused", "http-fresh", "slow", "sse", "ws"];

/**
 * Outcome is how one request or connection ended.
 * - ok: HTTP 2xx/3xx with the whole body read.
 * - http-error: the server answered with another status.
 * - refused, reset, timeout, error: the connection failed (connect refused; reset or closed by the
 *   peer before the response ended; no answer in time; anything else).
 * - graceful: a stream ended with its final event, or a WebSocket closed with 1000, 1001 or 1012.
 * - abrupt: a stream ended without its final event, or a WebSocket closed with another code (1006).
 * - stopped: the probe itself ended it when the run stopped; neither success nor failure.
 */
export type Outcome =
  | "ok"
  | "http-error"
  | "refused"
  | "reset"
  | "timeout"
  | "error"
  | "graceful"
  | "abrupt"
  | "stopped";

/** TrafficRecord is one request (HTTP kinds) or one connection (sse, ws) the probe made. */
export interface TrafficRecord {
  /** Sequence number, unique within a run. */
  id: number;
  kind: ProbeKind;
  /** Which probe worker made it (workers of a kind are numbered from 0). */
  worker: number;
  /** Epoch ms when the request was sent or the connection attempt began. */
  start: number;
  /** Epoch ms when it ended. */
  end: number;
  outcome: Outcome;
  /** Epoch ms when the response headers (HTTP, SSE) or the WebSocket open arrived. */
  established?: number;
  /** HTTP status, when the server answered. */
  status?: number;
  /** The pod that served it: X-Served-By, SSE data, or the WebSocket hello. */
  pod?: string;
  /** Error code (ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET, ...) or a short reason. */
  error?: string;
  /** WebSocket close code (1006 when the connection dropped without a close frame). */
  closeCode?: number;
  /** Whether a stream got its final `shutdown` event before it ended. */
  finalEvent?: boolean;
  /** Stream events or WebSocket echoes received. */
  messages?: number;
  /** For sse/ws: set on the first connection a worker established after losing one: ms from the loss to this connection's establishment. */
  reconnectMs?: number;
  /** For sse/ws: the id of the connection whose loss this one replaced. */
  reconnectOf?: number;
}

/** TimelineKind names a thing that happened during the rollout. */
export type TimelineKind =
  | "probe-started"
  | "probe-stopped"
  | "upgrade-started"
  | "upgrade-finished"
  | "upgrade-failed"
  | "upgrade-stalled"
  | "deployment-spec"
  | "pod-created"
  | "pod-ready"
  | "pod-not-ready"
  | "pod-terminating"
  | "container-terminated"
  | "container-waiting"
  | "pod-deleted"
  | "endpoint-ready"
  | "endpoint-not-ready"
  | "endpoint-removed"
  | "rs-scaled"
  | "k8s-event";

/** TimelineEvent is one thing the cluster or the orchestrator did, stamped when kit observed it. */
export interface TimelineEvent {
  /** Epoch ms when kit observed it (the same clock as the traffic records). */
  time: number;
  kind: TimelineKind;
  /** The pod concerned, if any. */
  pod?: string;
  /** The ReplicaSet or Deployment concerned, if any. */
  owner?: string;
  /** Human-readable detail, e.g. "exit code 137 (Error)" or "replicas 1 -> 0". */
  detail?: string;
  /** pod-created: whether its containers have a readiness probe and a preStop hook. */
  hasReadinessProbe?: boolean;
  hasPreStop?: boolean;
  /** pod-created / pod-terminating: terminationGracePeriodSeconds (or the deletion grace period). */
  gracePeriodSeconds?: number;
  /** container-terminated: exit code and reason. */
  exitCode?: number;
  /** container-terminated, container-waiting, k8s-event, upgrade-stalled: the Kubernetes reason (ImagePullBackOff, ...). */
  reason?: string;
  /** container-waiting, upgrade-stalled: the container's image. */
  image?: string;
  /** rs-scaled / deployment-spec: replica counts. */
  replicas?: number;
  previousReplicas?: number;
  /** deployment-spec: the rolling update strategy. */
  maxUnavailable?: string;
  maxSurge?: string;
  /** Whether this describes state that already held when the watch started. */
  initial?: boolean;
}

/** RolloutRecording is everything one run recorded: the input of analyze(). */
export interface RolloutRecording {
  /** Epoch ms when recording began and ended. */
  startedAt: number;
  endedAt: number;
  records: TrafficRecord[];
  timeline: TimelineEvent[];
  /** Free-form notes about how it was recorded (target, chart, simulator scenario). */
  meta?: Record<string, string | number | boolean>;
}
