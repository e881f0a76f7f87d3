/**
 * probe holds real traffic of every kind open against a target while a rollout happens, and
 * records every request and connection (see ../types.ts). Workers are independent loops on
 * undici clients and ws sockets; nothing keeps a response body.
 */
import { setMaxListeners } from "node:events";
import type { Client } from "undici";
import type { TrafficRecord } from "../types.ts";
import { newClient, probeRequest, type WorkerContext } from "./http.ts";
import { Pacer, pause } from "./pacing.ts";
import { type ProbeStats, Recorder } from "./recorder.ts";
import { runSseWorker } from "./sse.ts";
import { runWsWorker, WsHeartbeat } from "./ws.ts";

export { classifyNetworkError } from "./classify.ts";
export { isFailure, type KindCounts, type ProbeStats } from "./recorder.ts";
export { SseParser } from "./sse.ts";
export { GRACEFUL_CLOSE_CODES } from "./ws.ts";

/**
 * ProbeSettings say how much of each kind of traffic to hold open. The first group matches
 * kit.config.yaml's `rollout.probe`; the rest have defaults. A count of 0 turns a kind off; a rate
 * of Infinity sends as fast as the connections allow (used by the bench).
 */
export interface ProbeSettings {
  /** Base URL of the app, e.g. http://127.0.0.1:8080. */
  target: string;
  /** Kept-alive connections, each sending requestsPerSecond / keepAliveConnections requests a second. */
  keepAliveConnections: number;
  requestsPerSecond: number;
  /** Requests a second on a fresh connection each (spread over freshWorkers). */
  freshConnectionsPerSecond: number;
  /** Concurrent SSE streams, each reconnecting when it ends. */
  streams: number;
  /** Concurrent WebSockets, each reconnecting when it closes. */
  webSockets: number;
  /** Concurrent slow requests, each followed at once by another. */
  slowRequests: number;
  slowRequestMs: number;
  /** Timeout for connecting, for response headers and for each gap in a body. Default 5000. */
  requestTimeoutMs?: number;
  /** Event interval asked of the stream endpoint. Default 500. */
  streamIntervalMs?: number;
  /** WebSocket ping and echo interval. Default 1000. */
  wsPingIntervalMs?: number;
  /** Wait after a failed connection attempt of a stream or WebSocket before retrying. Default 100. */
  retryDelayMs?: number;
  /** Workers sharing freshConnectionsPerSecond. Default: one per 25 requests a second, 1 to 16. */
  freshWorkers?: number;
  /** Paths of the app contract's endpoints. */
  paths?: { http?: string; stream?: string; ws?: string; slow?: string };
}

/** ProbeHandle is a running probe. */
export interface ProbeHandle {
  /** Live counts per kind. */
  readonly stats: ProbeStats;
  /** Records finished so far (the array grows while the probe runs). */
  readonly records: readonly TrafficRecord[];
  /**
   * stop stops starting new work, closes streams and WebSockets, lets in-flight HTTP requests
   * finish for up to drainMs (default: slowRequestMs + requestTimeoutMs), then aborts the rest, and
   * resolves with every record.
   */
  stop(options?: { drainMs?: number }): Promise<TrafficRecord[]>;
  /**
   * stopSlowRequests starts no new slow request; those in flight finish. Once no pod is being
   * stopped, a slow request can no longer be cut, and one started then would only hold stop() up.
   */
  stopSlowRequests(): void;
}

/** ProbeOptions are the probe's callbacks. */
export interface ProbeOptions {
  onRecord?: (record: TrafficRecord) => void;
}

function wsUrl(target: string, path: string): string {
  const url = new URL(path, target);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

function withQuery(path: string, key: string, value: number): string {
  return `${path}${path.includes("?") ? "&" : "?"}${key}=${value}`;
}

/** startProbe starts every worker and returns at once. */
export function startProbe(settings: ProbeSettings, options: ProbeOptions = {}): ProbeHandle {
  const origin = new URL(settings.target).origin;
  const basePath = new URL(settings.target).pathname.replace(/\/$/, "");
  const timeoutMs = settings.requestTimeoutMs ?? 5000;
  const streamIntervalMs = settings.streamIntervalMs ?? 500;
  const pingIntervalMs = settings.wsPingIntervalMs ?? 1000;
  const retryDelayMs = settings.retryDelayMs ?? 100;
  const paths = {
    http: `${basePath}${settings.paths?.http ?? "/"}`,
    stream: `${basePath}${settings.paths?.stream ?? "/stream"}`,
    ws: `${basePath}${settings.paths?.ws ?? "/ws"}`,
    slow: `${basePath}${settings.paths?.slow ?? "/slow"}`,
  };
  const recorder = new Recorder(options.onRecord);
  const stopping = new AbortController();
  const hardStop = new AbortController();
  // Every worker listens on these two signals.
  setMaxListeners(0, stopping.signal, hardStop.signal);
  const ctx: WorkerContext = { recorder, stopping: stopping.signal, hardStop: hardStop.signal };
  const slowStopping = new AbortController();
  const workers: Promise<void>[] = [];
  const clients = new Set<Client>();
  const httpClient = (timeout: number): Client => {
    const client = newClient(origin, timeout);
    clients.add(client);
    return client;
  };
  hardStop.signal.addEventListener("abort", () => {
    for (const client of clients) void client.destroy().catch(() => undefined);
  });

  for (let w = 0; w < settings.keepAliveConnections; w++) {
    workers.push(
      (async () => {
        const client = httpClient(timeoutMs);
        const pacer = new Pacer(settings.requestsPerSecond / settings.keepAliveConnections);
        const spec = {
          kind: "http-reused" as const,
          worker: w,
          path: paths.http,
          freshConnection: false,
          timeoutMs,
        };
        try {
          while (!stopping.signal.aborted) {
            await pacer.wait(stopping.signal);
            if (stopping.signal.aborted) break;
            await probeRequest(client, spec, ctx);
          }
        } finally {
          await client.close().catch(() => undefined);
        }
      })(),
    );
  }

  const freshRate = settings.freshConnectionsPerSecond;
  const freshWorkers =
    freshRate > 0
      ? (settings.freshWorkers ??
        (Number.isFinite(freshRate) ? Math.min(16, Math.max(1, Math.ceil(freshRate / 25))) : 4))
      : 0;
  for (let w = 0; w < freshWorkers; w++) {
    workers.push(
      (async () => {
        const client = httpClient(timeoutMs);
        const pacer = new Pacer(freshRate / freshWorkers);
        const spec = {
          kind: "http-fresh" as const,
          worker: w,
          path: paths.http,
          freshConnection: true,
          timeoutMs,
        };
        try {
          while (!stopping.signal.aborted) {
            await pacer.wait(stopping.signal);
            if (stopping.signal.aborted) break;
            await probeRequest(client, spec, ctx);
          }
        } finally {
          await client.close().catch(() => undefined);
        }
      })(),
    );
  }

  for (let w = 0; w < settings.slowRequests; w++) {
    workers.push(
      (async () => {
        const slowTimeout = settings.slowRequestMs + timeoutMs;
        const client = httpClient(slowTimeout);
        const spec = {
          kind: "slow" as const,
          worker: w,
          path: withQuery(paths.slow, "ms", settings.slowRequestMs),
          freshConnection: true,
          timeoutMs: slowTimeout,
        };
        try {
          // Staggered starts keep slow requests at every age in flight: started together, they were
          // all young or all old when a pod was killed, and a short grace period was caught half the time.
          await pause((w * settings.slowRequestMs) / settings.slowRequests, stopping.signal);
          while (!stopping.signal.aborted && !slowStopping.signal.aborted) {
            const ok = await probeRequest(client, spec, ctx);
            if (!ok) await pause(retryDelayMs, stopping.signal);
          }
        } finally {
          await client.close().catch(() => undefined);
        }
      })(),
    );
  }

  const sse = {
    origin,
    path: withQuery(paths.stream, "interval_ms", streamIntervalMs),
    connectTimeoutMs: timeoutMs,
    idleTimeoutMs: Math.max(timeoutMs, 3 * streamIntervalMs),
    retryDelayMs,
    finalEvent: "shutdown",
  };
  for (let w = 0; w < settings.streams; w++) workers.push(runSseWorker(w, sse, ctx));

  const wsSettings = {
    url: wsUrl(origin, paths.ws),
    connectTimeoutMs: timeoutMs,
    pingIntervalMs,
    idleTimeoutMs: Math.max(timeoutMs, 3 * pingIntervalMs),
    retryDelayMs,
  };
  const heartbeat = settings.webSockets > 0 ? new WsHeartbeat(wsSettings) : undefined;
  if (heartbeat)
    for (let w = 0; w < settings.webSockets; w++) workers.push(runWsWorker(w, wsSettings, heartbeat, ctx));

  const all = Promise.allSettled(workers);
  return {
    stats: recorder.stats,
    records: recorder.records,
    stopSlowRequests() {
      slowStopping.abort();
    },
    async stop(stopOptions = {}) {
      stopping.abort();
      const drainMs = stopOptions.drainMs ?? settings.slowRequestMs + timeoutMs;
      const timer = setTimeout(() => hardStop.abort(), drainMs);
      await all;
      clearTimeout(timer);
      hardStop.abort();
      heartbeat?.stop();
      return recorder.records;
    },
  };
}
