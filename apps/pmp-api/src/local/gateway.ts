// gateway serves the handler over HTTP as API Gateway's HTTP API does on AWS: each request becomes
// a payload-2.0 event (routeKey $default, the one catch-all route serverless.yml declares), the
// handler's result becomes the response. It is how kit, the tests and a developer run the Lambda
// without AWS; serverless-offline does the same, with the serverless framework behind it.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";

/** Invoke runs the Lambda for one event. */
export type Invoke = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** MAX_REQUEST_BYTES is API Gateway's payload limit (10 MB). */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

const TEXT = /^(text\/|application\/(json|problem\+json|x-www-form-urlencoded|xml))/;

/** toEvent builds the event API Gateway would pass for a request. */
export function toEvent(req: IncomingMessage, body: Buffer, now: Date = new Date()): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? "/", "http://gateway.local");
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === "cookie") cookies.push(...String(value).split(/;\s*/));
    else headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const text = body.length === 0 || TEXT.test(headers["content-type"] ?? "");
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: cookies.length > 0 ? cookies : undefined,
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: "local",
      http: {
        method: req.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : text ? body.toString("utf8") : body.toString("base64"),
    isBase64Encoded: !text,
  };
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  if (result.cookies?.length) headers["set-cookie"] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  const body = result.body ?? "";
  res.end(result.isBase64Encoded ? Buffer.from(body, "base64") : body);
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** createGateway returns an HTTP server that passes every request to invoke. */
export function createGateway(invoke: Invoke): Server {
  return createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (!body) {
        send(res, { statusCode: 413, body: '{"message":"Request Entity Too Large"}' });
        return;
      }
      send(res, await invoke(toEvent(req, body)));
    } catch (err) {
      // What API Gateway answers when the integration fails.
      console.error(
        JSON.stringify({ level: "error", gateway: "invoke failed", error: (err as Error).message }),
      );
      send(res, {
        statusCode: 500,
        headers: { "content-type": "application/json" },
        body: '{"message":"Internal Server Error"}',
      });
    }
  });
}
