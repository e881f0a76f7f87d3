import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from "fastify";
import type { Config } from "./config.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { HttpProblem, sendProblem } from "./problem.ts";
import type { Item, ItemStore } from "./store.ts";

export const APP_NAME = "data-api";
const READY_TIMEOUT_MS = 2000;
const UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

/** AppState is what the shutdown sequence changes and the routes read. */
export interface AppState {
  /** true from SIGTERM on: /readyz answers 503, /status says draining. */
  draining: boolean;
}

/** AppDeps are what data-api runs on; the tests pass an in-memory store, a fixed clock and ids. */
export interface AppDeps {
  config: Config;
  store: ItemStore;
  now?: () => Date;
  newId?: () => string;
}

/** buildApp creates data-api without listening; the caller listens and runs the shutdown. */
export function buildApp(
  deps: AppDeps,
  logger: FastifyServerOptions["logger"] = loggerOptions(deps.config),
): { app: FastifyInstance; state: AppState } {
  const { config, store } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const state: AppState = { draining: false };
  const app = Fastify({
    logger,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: false,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    bodyLimit: config.maxBodyBytes,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: true } },
  });

  // Items are JSON objects: any other body is 415, not a string that fails validation.
  app.removeContentTypeParser("text/plain");

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-served-by", config.instance);
    request.startedAt = performance.now();
  });
  app.addHook("onResponse", async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.routeOptions.url ?? "unmatched",
        status: reply.statusCode,
        ms: Math.round((performance.now() - request.startedAt) * 10) / 10,
      },
      "request",
    );
  });

  app.get("/status", async () => ({
    status: state.draining ? "draining" : "ok",
    app: APP_NAME,
    version: config.version,
    instance: config.instance,
    table: config.table,
  }));

  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_request, reply) => {
    if (state.draining) return reply.code(503).send({ status: "draining" });
    try {
      await withTimeout(store.ready(), READY_TIMEOUT_MS);
      return { status: "ready" };
    } catch (err) {
      return reply.code(503).send({ status: "unavailable", reason: `DynamoDB: ${(err as Error).message}` });
    }
  });

  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    "/data",
    {
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            limit: { type: "integer", minimum: 1, maximum: config.maxPageSize },
            cursor: { type: "string", minLength: 1, maxLength: 1024 },
          },
        },
      },
    },
    async (request) => {
      const after = request.query.cursor === undefined ? undefined : decodeCursor(request.query.cursor);
      const page = await store.list(request.query.limit ?? config.defaultPageSize, after);
      return page.next ? { items: page.items, nextCursor: encodeCursor(page.next) } : { items: page.items };
    },
  );

  app.post<{ Body: Record<string, unknown> }>(
    "/data",
    {
      schema: {
        body: { type: "object", minProperties: 1, maxProperties: 100 },
      },
    },
    async (request, reply) => {
      const item: Item = { id: newId(), createdAt: now().toISOString(), data: request.body };
      await store.put(item);
      return reply.code(201).header("location", `/data/${item.id}`).send(item);
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/data/:id",
    { schema: { params: { type: "object", properties: { id: { type: "string", pattern: UUID } } } } },
    async (request, reply) => {
      if (!(await store.delete(request.params.id)))
        throw new HttpProblem(404, "Not Found", `no item with id ${request.params.id}`);
      return reply.code(204).send();
    },
  );

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      404,
      "Not Found",
      `no route for ${request.method} ${request.url.split("?")[0]}`,
    ),
  );
  app.setErrorHandler((err, request, reply) => {
    if (err instanceof HttpProblem)
      return sendProblem(request, reply, err.status, err.title, err.detail, err.extensions);
    const e = err as {
      validation?: { instancePath?: string; message?: string }[];
      validationContext?: string;
      statusCode?: number;
      code?: string;
      name?: string;
    };
    if (e.validation) {
      const where = e.validationContext ?? "request";
      const problems = e.validation.map(
        (v) => `${where}${v.instancePath ?? ""} ${v.message ?? "is invalid"}`,
      );
      return sendProblem(request, reply, 400, "Bad Request", problems.join("; "));
    }
    if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE")
      return sendProblem(
        request,
        reply,
        413,
        "Content Too Large",
        `the body is larger than ${config.maxBodyBytes} bytes`,
      );
    if (e.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
      return sendProblem(request, reply, 415, "Unsupported Media Type", "send the item as application/json");
    if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)
      return sendProblem(request, reply, e.statusCode, "Bad Request", (err as Error).message);
    if (
      e.name === "ProvisionedThroughputExceededException" ||
      e.name === "ThrottlingException" ||
      e.name === "RequestLimitExceeded"
    ) {
      reply.header("retry-after", "1");
      return sendProblem(
        request,
        reply,
        503,
        "Service Unavailable",
        "DynamoDB is throttling requests; retry shortly",
      );
    }
    request.log.error({ err: (err as Error).message, name: e.name }, "request failed");
    return sendProblem(
      request,
      reply,
      500,
      "Internal Server Error",
      "the request failed; the log has the cause",
    );
  });
  return { app, state };
}

declare module "fastify" {
  interface FastifyRequest {
    startedAt: number;
  }
}

/** loggerOptions makes Fastify's pino logger write one JSON line per event with app, instance and an ISO time. */
export function loggerOptions(config: Config): FastifyServerOptions["logger"] {
  return {
    level: config.logLevel,
    base: { app: APP_NAME, instance: config.instance, version: config.version },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
