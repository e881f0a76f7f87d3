import type { FastifyInstance } from "fastify";
import { APP_NAME, type AppContext, warmingUp } from "../context.ts";
import { sendProblem } from "../problem.ts";

const PING_TIMEOUT_MS = 2000;

/** registerBasicRoutes adds /, /version, /healthz, /readyz, /metrics and /slow. */
export function registerBasicRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { config, lifecycle, metrics } = ctx;

  app.get("/", async (_request, reply) =>
    reply.type("text/plain; charset=utf-8").send(`Hi! from ${APP_NAME} ${config.version}\n`),
  );

  app.get("/version", async () => ({ app: APP_NAME, version: config.version, pod: config.pod }));

  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_request, reply) => {
    if (warmingUp(ctx)) return reply.code(503).send({ status: "warming up" });
    if (lifecycle.draining) return reply.code(503).send({ status: "draining" });
    if (!ctx.database.indexesReady) {
      return reply.code(503).send({
        status: "unavailable",
        reason: `indexes not created yet: ${ctx.database.lastError ?? "starting"}`,
      });
    }
    try {
      await withTimeout(ctx.db.command({ ping: 1 }), PING_TIMEOUT_MS, "no answer");
    } catch (err) {
      return reply
        .code(503)
        .send({ status: "unavailable", reason: `mongodb ping failed: ${(err as Error).message}` });
    }
    return { status: "ready" };
  });

  app.get("/metrics", async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  app.get<{ Querystring: { ms?: string } }>("/slow", async (request, reply) => {
    const raw = request.query.ms ?? "0";
    const ms = Number(raw);
    if (!/^\d+$/.test(raw) || ms > config.maxSlowMs) {
      return sendProblem(
        request,
        reply,
        400,
        "Invalid query parameter",
        `ms=${JSON.stringify(raw)} must be an integer from 0 to ${config.maxSlowMs}`,
      );
    }
    // Shutdown lets this finish; only the client leaving cuts it short.
    const clientLeft = new AbortController();
    reply.raw.once("close", () => clientLeft.abort());
    await sleep(ms, clientLeft.signal);
    return { sleptMs: ms, pod: config.pod };
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
