/**
 * PodServer is a real HTTP server on loopback that follows the app contract (apps/README.md:
 * /, /stream, /ws, /slow, X-Served-By, the SIGTERM sequence) and can misbehave on purpose, so the
 * probe and the analyzer are tested against real sockets. "SIGTERM" and "SIGKILL" here are method
 * calls; the sockets they close are real.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/** SigtermBehaviour is what the pod does on SIGTERM: drain properly, exit at once, or nothing. */
export type SigtermBehaviour = "graceful" | "exit" | "ignore";

/** PodServerOptions configure a PodServer. */
export interface PodServerOptions {
  pod: string;
  port?: number;
  onSigterm?: SigtermBehaviour;
  /** Keep serving this long after SIGTERM before closing the listener. */
  drainDelayMs?: number;
  /** Answer with this status while draining (a fault: it should keep serving). */
  statusWhileDraining?: number;
  /** At the end of the drain, drop kept-alive connections even with a request in flight (a fault). */
  dropKeptAlive?: boolean;
  /** Delay before answering GET / (keeps requests in flight). */
  rootDelayMs?: number;
}

/** PodServer is one "pod". */
export class PodServer {
  readonly pod: string;
  port = 0;
  /** Answer every request with this status (e.g. 503) when set. */
  forceStatus: number | undefined;
  /** Destroy the socket of each incoming request instead of answering. */
  resetRequests = false;
  private server: Server | undefined;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<Socket>();
  private readonly upgraded = new WeakSet<Socket>();
  private readonly streams = new Set<{ res: ServerResponse; timer: NodeJS.Timeout }>();
  private readonly slow = new Set<NodeJS.Timeout>();
  private draining = false;
  private exitCode: number | undefined;
  private resolveExit: (code: number) => void = () => undefined;
  /** exited resolves with the exit code when the pod stops (0 = clean, 137 = killed). */
  readonly exited: Promise<number>;

  constructor(private readonly options: PodServerOptions) {
    this.pod = options.pod;
    this.exited = new Promise((resolve) => {
      this.resolveExit = resolve;
    });
  }

  /** url is the base URL of the listening server. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** isRunning says whether the pod has not exited. */
  get isRunning(): boolean {
    return this.exitCode === undefined;
  }

  /** listen starts accepting connections. */
  async listen(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 30_000;
    server.on("connection", (socket) => {
      // Clients reset connections on purpose in these tests; a reset is not an error of the test.
      socket.on("error", () => undefined);
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    server.on("upgrade", (req, socket, head) => {
      this.upgraded.add(socket as Socket);
      if (this.resetRequests) {
        socket.destroy();
        return;
      }
      if (this.forceStatus !== undefined) {
        socket.end(
          `HTTP/1.1 ${this.forceStatus} Forced\r\nX-Served-By: ${this.pod}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
        );
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onWebSocket(ws));
    });
    this.wss.on("headers", (headers) => headers.push(`X-Served-By: ${this.pod}`));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 0, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
  }

  private onWebSocket(ws: WebSocket): void {
    ws.send(JSON.stringify({ type: "hello", pod: this.pod }));
    ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.resetRequests) {
      req.socket.destroy();
      return;
    }
    res.setHeader("X-Served-By", this.pod);
    // While draining, retire kept-alive connections one response at a time so no request meets a closing socket.
    if (this.draining && !this.options.dropKeptAlive) res.setHeader("Connection", "close");
    const status = this.forceStatus ?? (this.draining ? this.options.statusWhileDraining : undefined);
    if (status !== undefined) {
      res.writeHead(status, { "content-type": "text/plain" }).end("forced\n");
      return;
    }
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/stream") {
      const interval = Number(url.searchParams.get("interval_ms") ?? 1000);
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      let seq = 0;
      const entry = {
        res,
        timer: setInterval(() => {
          res.write(`event: tick\ndata: {"seq":${seq++},"pod":"${this.pod}"}\n\n`);
        }, interval),
      };
      res.write(`event: tick\ndata: {"seq":${seq++},"pod":"${this.pod}"}\n\n`);
      this.streams.add(entry);
      res.on("close", () => {
        clearInterval(entry.timer);
        this.streams.delete(entry);
      });
      return;
    }
    if (url.pathname === "/slow") {
      const ms = Number(url.searchParams.get("ms") ?? 1000);
      const timer = setTimeout(() => {
        this.slow.delete(timer);
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(`{"sleptMs":${ms},"pod":"${this.pod}"}`);
        this.maybeExitAfterDrain();
      }, ms);
      this.slow.add(timer);
      res.on("close", () => {
        clearTimeout(timer);
        this.slow.delete(timer);
      });
      return;
    }
    const answer = (): void => {
      res.writeHead(200, { "content-type": "text/plain" }).end(`Hi! from ${this.pod}\n`);
    };
    if (this.options.rootDelayMs) setTimeout(answer, this.options.rootDelayMs);
    else answer();
  }

  private stoppedAccepting = false;

  private maybeExitAfterDrain(): void {
    if (this.stoppedAccepting && this.slow.size === 0 && this.isRunning) {
      // Let the last frames (final events, close frames) flush before the process "exits".
      setTimeout(() => this.exit(0), 200);
    }
  }

  /** sigterm starts the pod's shutdown according to its behaviour. */
  sigterm(): void {
    const behaviour = this.options.onSigterm ?? "graceful";
    if (behaviour === "ignore") return;
    if (behaviour === "exit") {
      this.crash(0);
      return;
    }
    this.draining = true;
    setTimeout(() => {
      if (!this.isRunning) return;
      this.stoppedAccepting = true;
      this.server?.close();
      this.server?.closeIdleConnections();
      if (this.options.dropKeptAlive) {
        const streamSockets = new Set([...this.streams].map((s) => s.res.socket));
        for (const socket of this.sockets) {
          if (!streamSockets.has(socket) && !this.upgraded.has(socket)) socket.destroy();
        }
      }
      for (const { res, timer } of this.streams) {
        clearInterval(timer);
        res.end(`event: shutdown\ndata: {"reason":"shutdown","pod":"${this.pod}"}\n\n`);
      }
      for (const ws of this.wss.clients) ws.close(1001, "shutdown");
      this.maybeExitAfterDrain();
    }, this.options.drainDelayMs ?? 0);
  }

  /** kill ends the pod at once, as SIGKILL does (exit 137). */
  kill(): void {
    this.crash(137);
  }

  /** crash destroys every socket and the listener: clients see resets, WebSockets 1006. */
  crash(code = 1): void {
    if (!this.isRunning) return;
    this.server?.close();
    for (const ws of this.wss.clients) ws.terminate();
    for (const socket of this.sockets) socket.destroy();
    for (const { timer } of this.streams) clearInterval(timer);
    for (const timer of this.slow) clearTimeout(timer);
    this.exit(code);
  }

  private exit(code: number): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    this.server?.close();
    for (const socket of this.sockets) socket.destroy();
    this.resolveExit(code);
  }
}
