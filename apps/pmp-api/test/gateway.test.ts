import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { toEvent } from "../src/local/gateway.ts";

function request(method: string, url: string, headers: Record<string, string>): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.url = url;
  req.httpVersion = "1.1";
  req.headers = headers;
  return req;
}

describe("toEvent", () => {
  it("builds API Gateway's payload 2.0 for the catch-all route", () => {
    const now = new Date("2026-12-01T10:00:00Z");
    const req = request("PUT", "/preferences/u1?a=1&a=2&b=x", {
      host: "127.0.0.1:30083",
      "content-type": "application/json",
      cookie: "s=1; t=2",
    });
    const event = toEvent(req, Buffer.from('{"choices":{}}'), now);
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/preferences/u1",
      rawQueryString: "a=1&a=2&b=x",
      queryStringParameters: { a: "1,2", b: "x" },
      cookies: ["s=1", "t=2"],
      body: '{"choices":{}}',
      isBase64Encoded: false,
      requestContext: { http: { method: "PUT", path: "/preferences/u1" }, timeEpoch: now.getTime() },
    });
    expect(event.headers.cookie).toBeUndefined();
  });

  it("passes a binary body base64-encoded, as API Gateway does", () => {
    const bytes = Buffer.from([0, 255, 1]);
    const event = toEvent(request("POST", "/x", { "content-type": "application/octet-stream" }), bytes);
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? "", "base64")).toEqual(bytes);
  });
});
