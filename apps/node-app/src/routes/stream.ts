import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.ts";
import { sendProblem } from "../problem.ts";

/** registerStreamRoute adds GET /stream: SSE ticks until the client leaves, a final "shutdown" event on shutdown. */
export function registerStreamRoute(app: FastifyInstance, ctx: AppContext): void {
  const { config, lifecycle } = ctx;
  app.get<{ Querystring: { interval_ms?: string } }>("/stream", (request, reply) => {
    const raw = request.query.interval_ms ?? String(config.streamIntervalMs);
    const intervalMs = Number(raw);
    if (!/^\d+$/.test(raw) || intervalMs < 10 || intervalMs > 60000) {
      return sendProblem(
        request,
        reply,
        400,
        "Invalid query parameter",
        `interval_ms=${JSON.stringify(raw)} must be an integer from 10 to 60000`,
      );
    }
    // The response is written by hand from here on; Fastify neither serializes nor ends it.
    reply.hijack();
    const res = reply.raw;
    const started = Date.now();
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    });
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    let seq = 0;
    send("tick", { seq: seq++, pod: config.pod });
    const timer = setInterval(() => send("tick", { seq: seq++, pod: config.pod }), intervalMs);
    const untrack = lifecycle.trackStream(res, () => {
      clearInterval(timer);
      send("shutdown", { reason: "shutdown", pod: config.pod });
      res.end();
    });
    res.once("close", () => {
      clearInterval(timer);
      untrack();
      ctx.metrics.requests.inc({ route: "/stream", method: "GET", code: 200 });
      request.log.info(
        { method: "GET", path: "/stream", status: 200, durationMs: Date.now() - started, ticks: seq },
        "request",
      );
    });
  });
}
