// handler is the one Lambda of the PMP API, behind API Gateway's HTTP API with a single catch-all
// route (payload format 2.0), so it routes by method and path itself:
//   GET  /status                 200, touches nothing (the seed's placeholder answer)
//   GET  /readyz                 200 when the database answers, else 503
//   GET  /preferences/{userId}   the user's row from PostgreSQL and the notice in force from S3
//   PUT  /preferences/{userId}   {"choices": {...}} recorded against the notice in force
//   GET  /partner/status         what the third-party API (PARTNER_API_URL) answers
// Errors are problem details (RFC 9457).
import { S3Client } from "@aws-sdk/client-s3";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { type Config, loadConfig } from "./config.ts";
import { NoticeMissingError, readNotice } from "./notice.ts";
import { createPgStore, type PreferenceStore, poolConfig } from "./store.ts";

/** Deps are what the handler talks to; tests and the local gateway pass their own. */
export interface Deps {
  config: Config;
  store: PreferenceStore;
  s3: S3Client;
  fetch: typeof fetch;
}

type Result = APIGatewayProxyStructuredResultV2;

const USER_ID = /^\/preferences\/([A-Za-z0-9_.@-]{1,128})$/;
const MAX_BODY_BYTES = 16 * 1024;

function json(statusCode: number, body: unknown): Result {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

function problem(statusCode: number, title: string, detail: string): Result {
  return {
    statusCode,
    headers: { "content-type": "application/problem+json" },
    body: JSON.stringify({ type: "about:blank", title, status: statusCode, detail }),
  };
}

function bodyOf(event: APIGatewayProxyEventV2): string {
  if (!event.body) return "";
  return event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
}

async function putPreferences(deps: Deps, userId: string, event: APIGatewayProxyEventV2): Promise<Result> {
  const raw = bodyOf(event);
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES)
    return problem(413, "Payload too large", `the body is over ${MAX_BODY_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return problem(400, "Bad request", 'the body must be JSON: {"choices": {...}}');
  }
  const choices = (parsed as { choices?: unknown } | null)?.choices;
  if (typeof choices !== "object" || choices === null || Array.isArray(choices))
    return problem(400, "Bad request", '"choices" must be an object');
  const notice = await readNotice(deps.s3, deps.config.noticesBucket, deps.config.noticeKey);
  const saved = await deps.store.put(userId, choices as Record<string, unknown>, notice.version);
  return json(200, saved);
}

async function getPreferences(deps: Deps, userId: string): Promise<Result> {
  const [row, notice] = await Promise.all([
    deps.store.get(userId),
    readNotice(deps.s3, deps.config.noticesBucket, deps.config.noticeKey),
  ]);
  if (!row) return problem(404, "Not found", `no preferences for user ${userId}`);
  return json(200, { ...row, notice, current: row.noticeVersion === notice.version });
}

async function partnerStatus(deps: Deps): Promise<Result> {
  const target = deps.config.partnerApiUrl;
  if (!target) return problem(501, "Not configured", "PARTNER_API_URL is not set");
  const started = Date.now();
  try {
    const res = await deps.fetch(target, { signal: AbortSignal.timeout(deps.config.partnerTimeoutMs) });
    await res.body?.cancel();
    return json(200, { url: target, status: res.status, ms: Date.now() - started });
  } catch (err) {
    return problem(502, "Bad gateway", `${target} did not answer: ${(err as Error).message}`);
  }
}

/** route answers one request. */
export async function route(deps: Deps, event: APIGatewayProxyEventV2): Promise<Result> {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  try {
    if (path === "/status" && method === "GET") return json(200, { status: "ok" });
    if (path === "/readyz" && method === "GET") {
      try {
        await deps.store.ping();
        return json(200, { status: "ready" });
      } catch (err) {
        return problem(503, "Not ready", `the database does not answer: ${(err as Error).message}`);
      }
    }
    if (path === "/partner/status" && method === "GET") return await partnerStatus(deps);
    const user = USER_ID.exec(path)?.[1];
    if (user && method === "GET") return await getPreferences(deps, user);
    if (user && method === "PUT") return await putPreferences(deps, user, event);
    if (user || ["/status", "/readyz", "/partner/status"].includes(path))
      return problem(405, "Method not allowed", `${method} is not allowed on ${path}`);
    return problem(404, "Not found", `no route for ${method} ${path}`);
  } catch (err) {
    if (err instanceof NoticeMissingError) return problem(503, "Notice missing", err.message);
    console.error(JSON.stringify({ level: "error", method, path, error: (err as Error).message }));
    return problem(500, "Internal error", "the request failed; the log has the cause");
  }
}

/** createDeps builds the real dependencies from the environment. */
export function createDeps(config: Config = loadConfig(process.env)): Deps {
  const s3 = new S3Client({
    region: config.region,
    ...(config.awsEndpoint ? { endpoint: config.awsEndpoint, forcePathStyle: true } : {}),
  });
  return {
    config,
    store: createPgStore(poolConfig(config.database, config.region)),
    s3,
    fetch: globalThis.fetch,
  };
}

// Built on the first invocation and kept for the instance's life, as Lambda reuses instances.
let deps: Deps | undefined;

/** handler is the Lambda entry point (serverless.yml: dist/handler.handler). */
export async function handler(event: APIGatewayProxyEventV2): Promise<Result> {
  deps ??= createDeps();
  return route(deps, event);
}
