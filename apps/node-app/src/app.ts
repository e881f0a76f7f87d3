import websocket from "@fastify/websocket";
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from "fastify";
import type { MongoClient } from "mongodb";
import type { Config } from "./config.ts";
import { APP_NAME, type AppContext, warmingUp } from "./context.ts";
import { Lifecycle } from "./lifecycle.ts";
import { createMetrics } from "./metrics.ts";
import { OrderStore } from "./orders/store.ts";
import { sendProblem } from "./problem.ts";
import { registerBasicRoutes } from "./routes/basic.ts";
import { registerOrderRoutes } from "./routes/orders.ts";
import { registerStreamRoute } from "./routes/stream.ts";
import { registerWebSocketRoute } from "./routes/ws.ts";

const KNOWN_ROUTES = new Set(["/", "/version", "/healthz", "/readyz", "/metrics", "/stream", "/ws", "/slow"]);

/** BuiltApp is a ready-to-listen Fastify instance with the context its routes share. */
export interface BuiltApp {
  app: FastifyInstance;
  ctx: AppContext;
}

/** buildApp creates node-app on a connected MongoClient. It starts creating indexes in the background (readiness
 * fails until they exist) and does not listen; the caller does. */
export async function buildApp(
  config: Config,
  mongo: MongoClient,
  logger: FastifyServerOptions["logger"] = loggerOptions(config),
): Promise<BuiltApp> {
  const metrics = createMetrics();
  const db = mongo.db(config.mongodbDatabase);
  const ctx: AppContext = {
    config,
    metrics,
    lifecycle: new Lifecycle(config, metrics),
    mongo,
    db,
    orders: new OrderStore(db),
    database: { indexesReady: false },
    startedAt: Date.now(),
  };
  const app = Fastify({
    logger,
    // One log line per request, written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    // Requests that arrive on open connections while closing are served (with Connection: close), not refused.
    return503OnClosing: false,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: "array", allErrors: true } },
  });
  await app.register(websocket, {
    // Lifecycle closes WebSockets with 1001 itself; the plugin's default would close them with no status code.
    preClose: (done) => done(),
    options: { maxPayload: 1 << 20 },
  });

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-served-by", config.pod);
    request.startedAt = performance.now();
    // While warming up only the probes and metrics answer; readiness keeps traffic away meanwhile.
    const path = request.url.split("?")[0] ?? "";
    if (warmingUp(ctx) && path !== "/healthz" && path !== "/readyz" && path !== "/metrics") {
      reply.header("retry-after", "1");
      return sendProblem(
        request,
        reply,
        503,
        "Warming up",
        `${APP_NAME} started less than WARMUP_MS (${config.warmupMs} ms) ago and is not ready to serve`,
      );
    }
  });
  // From SIGTERM on, every response (including those of requests already in flight) tells the client not to reuse
  // the connection: kept-alive clients move to other pods during the drain delay, and no client sends a request on
  // a connection the server is about to close (a reset, seen by kit rollout on a real cluster).
  app.addHook("onSend", async (_request, reply) => {
    if (ctx.lifecycle.draining) reply.header("connection", "close");
  });
  app.addHook("onResponse", async (request, reply) => {
    const durationMs = Math.round((performance.now() - request.startedAt) * 1000) / 1000;
    const path = request.url.split("?")[0] ?? "";
    const route = KNOWN_ROUTES.has(path) ? path : path.startsWith("/orders") ? "/orders" : "other";
    metrics.requests.inc({ route, method: request.method, code: reply.statusCode });
    metrics.durations.observe({ route }, durationMs / 1000);
    request.log.info({ method: request.method, path, status: reply.statusCode, durationMs }, "request");
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      404,
      "Not Found",
      `no route for ${request.method} ${request.url.split("?")[0]}`,
    ),
  );
  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown[] }, request, reply) => {
    if (error.validation) {
      return sendProblem(request, reply, 400, "Invalid request", error.message, { errors: error.validation });
    }
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, "request failed");
      return sendProblem(
        request,
        reply,
        status,
        "Internal Server Error",
        "the server failed to handle the request",
      );
    }
    return sendProblem(request, reply, status, error.name, error.message);
  });

  registerBasicRoutes(app, ctx);
  registerStreamRoute(app, ctx);
  registerWebSocketRoute(app, ctx);
  registerOrderRoutes(app, ctx);
  void createIndexesUntilDone(app, ctx);
  return { app, ctx };
}

declare module "fastify" {
  interface FastifyRequest {
    startedAt: number;
  }
}

/** loggerOptions makes Fastify's pino logger write one JSON line per event with app, pod and an ISO time. */
export function loggerOptions(config: Config): FastifyServerOptions["logger"] {
  return {
    level: config.logLevel,
    base: { app: APP_NAME, pod: config.pod },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
  };
}

async function createIndexesUntilDone(app: FastifyInstance, ctx: AppContext): Promise<void> {
  for (let attempt = 1; !ctx.lifecycle.draining; attempt++) {
    try {
      // The driver gives up on a client whose first server selection failed: every later operation
      // fails with MongoTopologyClosedError (mongodb 6.x), so a pod that started while the database
      // or cluster DNS was not there yet stayed unready for good. connect() brings the client back
      // (and does nothing when it is connected); once connected, the driver reconnects by itself.
      await ctx.mongo.connect();
      await ctx.orders.ensureIndexes();
      ctx.database.indexesReady = true;
      ctx.database.lastError = undefined;
      app.log.info({ attempt }, "indexes ready");
      return;
    } catch (err) {
      ctx.database.lastError = (err as Error).message;
      app.log.warn({ attempt, err: (err as Error).message }, "creating indexes failed; retrying");
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * attempt)).unref());
    }
  }
}
