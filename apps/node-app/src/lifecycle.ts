import type { ServerResponse } from "node:http";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import type { Config } from "./config.ts";
import type { Metrics } from "./metrics.ts";

/** Lifecycle tracks the app's shutdown state and the long-lived connections shutdown must end: SSE responses and
 * upgraded WebSockets, which Fastify's close and Node's server.close() neither end nor wait for on their own terms. */
export class Lifecycle {
  /** draining is true from SIGTERM on: /readyz answers 503. */
  draining = false;
  /** closing is true once the drain delay is over: the listener is closed and responses carry Connection: close. */
  closing = false;
  private readonly streams = new Map<ServerResponse, () => void>();
  private readonly sockets = new Set<WebSocket>();
  private readonly socketsClosed = new Set<() => void>();

  constructor(
    private readonly config: Config,
    private readonly metrics: Metrics,
  ) {}

  /** trackStream registers an open SSE response; end is called on shutdown to send the final event and end it. */
  trackStream(res: ServerResponse, end: () => void): () => void {
    this.streams.set(res, end);
    this.metrics.streams.inc();
    return () => {
      if (this.streams.delete(res)) this.metrics.streams.dec();
    };
  }

  /** trackSocket registers an upgraded WebSocket until it closes. */
  trackSocket(socket: WebSocket): void {
    this.sockets.add(socket);
    this.metrics.sockets.inc();
    socket.once("close", () => {
      this.sockets.delete(socket);
      this.metrics.sockets.dec();
      if (this.sockets.size === 0) for (const resolve of this.socketsClosed) resolve();
    });
  }

  /** shutdown runs the SIGTERM sequence of the app contract on app and returns the exit code: 0 when everything
   * ended before SHUTDOWN_TIMEOUT_MS (counted from signalledAt), else 1 after destroying what was left. */
  async shutdown(app: FastifyInstance, log: FastifyBaseLogger, signalledAt: number): Promise<number> {
    const { drainDelayMs, shutdownTimeoutMs } = this.config;
    this.draining = true;
    this.metrics.draining.set(1);
    log.info({ phase: "draining", drainDelayMs, shutdownTimeoutMs }, "shutdown");
    await sleep(signalledAt + drainDelayMs - Date.now());

    this.closing = true;
    log.info({ phase: "closing", streams: this.streams.size, webSockets: this.sockets.size }, "shutdown");
    // Connections that turn idle after close() began are not closed by it: sweep them until the server is closed.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
    const closed = Promise.all([app.close(), this.endStreamsAndSockets()]).then(() => "closed" as const);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), signalledAt + shutdownTimeoutMs - Date.now());
    });
    const outcome = await Promise.race([closed, timedOut]);
    clearInterval(sweep);
    clearTimeout(timer);
    if (outcome === "timeout") {
      app.server.closeAllConnections();
      for (const socket of this.sockets) socket.terminate();
      log.error({ phase: "timeout", elapsedMs: Date.now() - signalledAt }, "shutdown");
      return 1;
    }
    log.info({ phase: "stopped", elapsedMs: Date.now() - signalledAt }, "shutdown");
    return 0;
  }

  private endStreamsAndSockets(): Promise<void> {
    for (const end of this.streams.values()) end();
    if (this.sockets.size === 0) return Promise.resolve();
    const allClosed = new Promise<void>((resolve) => this.socketsClosed.add(resolve));
    // close() sends 1001 and completes the closing handshake; the socket's "close" event follows.
    for (const socket of this.sockets) socket.close(1001, "shutdown");
    return allClosed;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
