// The canary's logic against an in-process stand-in of the order API's contract (the real API is
// exercised by kit/test/up/up.integration.test.ts): what passes, and how each way of failing is told.
"use strict";

const assert = require("node:assert/strict");
const { createServer } = require("node:http");
const { after, before, describe, it } = require("node:test");
const { placeOrder, CUSTOMER_ID } = require("../src/place-order.js");

let server;
let baseUrl;
let behaviour;
const seen = [];

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      seen.push({
        method: req.method,
        url: req.url,
        key: req.headers["idempotency-key"],
        type: req.headers["content-type"],
        body,
      });
      const answer = behaviour(req, body);
      if (answer === "hang") return;
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

const order = { id: "o-1", customerId: CUSTOMER_ID, status: "pending" };
const contract = (req) => {
  if (req.method === "POST" && req.url === "/orders") return { status: 201, body: order };
  if (req.method === "GET" && req.url === "/orders/o-1") return { status: 200, body: order };
  if (req.method === "POST" && req.url === "/orders/o-1/cancel")
    return { status: 200, body: { ...order, status: "cancelled" } };
  return { status: 404, body: { title: "Not Found" } };
};

describe("placeOrder", () => {
  it("creates, reads back and cancels one order, with an Idempotency-Key from the run", async () => {
    behaviour = contract;
    seen.length = 0;
    const result = await placeOrder({ baseUrl, runId: "r1" });
    assert.equal(result.orderId, "o-1");
    assert.deepEqual(Object.keys(result.timings), ["create", "read", "cancel"]);
    assert.deepEqual(
      seen.map((s) => `${s.method} ${s.url}`),
      ["POST /orders", "GET /orders/o-1", "POST /orders/o-1/cancel"],
    );
    assert.equal(seen[0].key, "canary-r1");
    assert.equal(JSON.parse(seen[0].body).customerId, CUSTOMER_ID);
    // No JSON content type without a body: the real API (Fastify) answers that with 400.
    assert.deepEqual(
      seen.map((s) => [s.type ?? null, s.body.length > 0]),
      [
        ["application/json", true],
        [null, false],
        [null, false],
      ],
    );
  });

  it("fails at create, naming the status and the body, when the API answers 503", async () => {
    behaviour = () => ({ status: 503, body: { title: "Service Unavailable" } });
    await assert.rejects(
      placeOrder({ baseUrl, runId: "r2" }),
      /^CanaryStepError: create: expected HTTP 201 or 200, got 503: .*Service Unavailable/,
    );
  });

  it("fails at read when the order read back is not the one created", async () => {
    behaviour = (req) =>
      req.method === "GET" ? { status: 200, body: { ...order, customerId: "someone-else" } } : contract(req);
    await assert.rejects(placeOrder({ baseUrl, runId: "r3" }), /read: order o-1 came back as something else/);
  });

  it("fails at cancel when the order cannot be cancelled", async () => {
    behaviour = (req) =>
      req.url.endsWith("/cancel")
        ? { status: 409, body: { title: "Order cannot be cancelled" } }
        : contract(req);
    await assert.rejects(placeOrder({ baseUrl, runId: "r4" }), /cancel: expected HTTP 200, got 409/);
  });

  it("fails with the step and the time it waited when the API does not answer", async () => {
    behaviour = () => "hang";
    await assert.rejects(
      placeOrder({ baseUrl, runId: "r5", timeoutMs: 200 }),
      /create: POST .*\/orders failed: no answer within 200 ms/,
    );
  });

  it("refuses a URL with a path or no scheme, naming ORDER_API_URL", async () => {
    for (const bad of [undefined, "node-app.example.com", "https://node-app.example.com/orders"])
      await assert.rejects(
        placeOrder({ baseUrl: bad, runId: "r6" }),
        /config: ORDER_API_URL must be a bare origin/,
      );
  });
});
