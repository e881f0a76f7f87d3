import WebSocket from "ws";
import type { TrafficRecord } from "../types.ts";
import { classifyNetworkError } from "./classify.ts";
import type { WorkerContext } from "./http.ts";
import { pause } from "./pacing.ts";
import { ReconnectTracker } from "./reconnect.ts";

/** WsSettings configure the WebSocket workers. */
export interface WsSettings {
  url: string;
  connectTimeoutMs: number;
  /** Each open socket gets a ping frame and an echoed text message this often. */
  pingIntervalMs: number;
  /** A socket that sends nothing (no pong, no echo) for this long is terminated (timeout). */
  idleTimeoutMs: number;
  retryDelayMs: number;
}

/** GRACEFUL_CLOSE_CODES are the WebSocket close codes of an orderly shutdown. */
export const GRACEFUL_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 1001, 1012]);

interface LiveSocket {
  socket: WebSocket;
  lastSeen: number;
  timedOut: boolean;
}

/**
 * WsHeartbeat pings every open socket from one timer (not one per socket), and terminates the
 * ones that went silent.
 */
export class WsHeartbeat {
  private readonly live = new Set<LiveSocket>();
  private readonly timer: NodeJS.Timeout;
  private seq = 0;

  constructor(private readonly settings: WsSettings) {
    this.timer = setInterval(() => this.beat(), settings.pingIntervalMs);
    this.timer.unref();
  }

  /** add starts watching a socket; the returned entry is updated on traffic. */
  add(socket: WebSocket): LiveSocket {
    const entry = { socket, lastSeen: Date.now(), timedOut: false };
    this.live.add(entry);
    return entry;
  }

  /** remove stops watching a socket. */
  remove(entry: LiveSocket): void {
    this.live.delete(entry);
  }

  /** stop ends the timer. */
  stop(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    const now = Date.now();
    this.seq++;
    for (const entry of this.live) {
      if (entry.socket.readyState !== WebSocket.OPEN) continue;
      if (now - entry.lastSeen > this.settings.idleTimeoutMs) {
        entry.timedOut = true;
        entry.socket.terminate();
        continue;
      }
      entry.socket.ping();
      entry.socket.send(`ping ${this.seq}`);
    }
  }
}

/** connectOnce opens one WebSocket and resolves when it has closed, with its record filled in. */
function connectOnce(
  record: TrafficRecord,
  settings: WsSettings,
  heartbeat: WsHeartbeat,
  tracker: ReconnectTracker,
  ctx: WorkerContext,
): Promise<{ established: boolean; stopped: boolean; error?: unknown }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(settings.url, {
      handshakeTimeout: settings.connectTimeoutMs,
      perMessageDeflate: false,
      maxPayload: 64 * 1024,
    });
    let entry: LiveSocket | undefined;
    let lastError: unknown;
    let stoppedByProbe = false;
    let messages = 0;
    const onStop = (): void => {
      stoppedByProbe = true;
      socket.close(1000, "probe stopped");
      setTimeout(() => socket.terminate(), 1000).unref();
    };
    ctx.stopping.addEventListener("abort", onStop, { once: true });
    socket.on("upgrade", (response) => {
      const served = response.headers["x-served-by"];
      if (typeof served === "string") record.pod = served;
    });
    socket.on("unexpected-response", (_request, response) => {
      record.status = response.statusCode;
      const served = response.headers["x-served-by"];
      if (typeof served === "string") record.pod = served;
      response.resume();
      socket.terminate();
    });
    socket.on("open", () => {
      record.status = 101;
      tracker.established(record);
      ctx.recorder.connected(record);
      entry = heartbeat.add(socket);
    });
    socket.on("message", (data, isBinary) => {
      if (entry) entry.lastSeen = Date.now();
      messages++;
      if (messages === 1 && !isBinary) {
        const match = /"pod"\s*:\s*"([^"]*)"/.exec(data.toString());
        if (match?.[1] !== undefined) record.pod = match[1];
      }
    });
    socket.on("pong", () => {
      if (entry) entry.lastSeen = Date.now();
    });
    socket.on("error", (err) => {
      lastError = err;
    });
    socket.on("close", (code) => {
      ctx.stopping.removeEventListener("abort", onStop);
      if (entry) heartbeat.remove(entry);
      record.messages = messages;
      const established = record.established !== undefined;
      if (established) record.closeCode = code;
      if (entry?.timedOut)
        lastError = Object.assign(new Error("no pong or echo in time"), { code: "ETIMEDOUT" });
      resolve({ established, stopped: stoppedByProbe || ctx.stopping.aborted, error: lastError });
    });
  });
}

/** runWsWorker keeps one WebSocket open, reconnecting whenever it closes, until the probe stops. */
export async function runWsWorker(
  worker: number,
  settings: WsSettings,
  heartbeat: WsHeartbeat,
  ctx: WorkerContext,
): Promise<void> {
  const tracker = new ReconnectTracker();
  while (!ctx.stopping.aborted) {
    const record = ctx.recorder.begin("ws", worker);
    const result = await connectOnce(record, settings, heartbeat, tracker, ctx);
    if (result.established) {
      const code = record.closeCode ?? 1006;
      if (result.stopped && code === 1000) {
        ctx.recorder.finish(record, "stopped");
        continue;
      }
      if (result.error !== undefined && !GRACEFUL_CLOSE_CODES.has(code)) {
        record.error = classifyNetworkError(result.error, false).code;
      }
      ctx.recorder.finish(record, GRACEFUL_CLOSE_CODES.has(code) ? "graceful" : "abrupt");
      tracker.lost(record);
      continue;
    }
    if (result.stopped && record.status === undefined) {
      ctx.recorder.finish(record, "stopped");
      continue;
    }
    if (record.status !== undefined) {
      record.error = `unexpected response ${record.status}`;
      ctx.recorder.finish(record, "http-error");
    } else {
      const failure = classifyNetworkError(result.error, ctx.stopping.aborted);
      record.error = failure.code;
      ctx.recorder.finish(record, failure.outcome);
    }
    await pause(settings.retryDelayMs, ctx.stopping);
  }
}
