import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.ts";

/** registerWebSocketRoute adds GET /ws: a hello message, then an echo; server pings; 1001 on shutdown. */
export function registerWebSocketRoute(app: FastifyInstance, ctx: AppContext): void {
  const { config, lifecycle } = ctx;
  app.websocketServer.on("headers", (headers: string[]) => headers.push(`X-Served-By: ${config.pod}`));
  app.get("/ws", { websocket: true }, (socket, request) => {
    lifecycle.trackSocket(socket);
    socket.send(JSON.stringify({ type: "hello", pod: config.pod }));
    socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
    // A peer that has not answered the previous ping by the next one is gone.
    let isAlive = true;
    socket.on("pong", () => {
      isAlive = true;
    });
    const pinger = setInterval(() => {
      if (!isAlive) return socket.terminate();
      isAlive = false;
      socket.ping();
    }, config.wsPingIntervalMs);
    socket.once("close", (code) => {
      clearInterval(pinger);
      request.log.debug({ path: "/ws", code }, "websocket closed");
    });
  });
}
