// placeOrder is the business request the synthetic canary makes against the public order API, as a
// customer's client would: create an order (with an Idempotency-Key, so a retried run never makes
// two), read it back, cancel it (so the canary's orders are never fulfilled). Any answer other than
// the API's contract fails the run, naming the step, the status and the body it got. It takes its
// fetch and clock from the caller: the Synthetics runtime passes the real ones, tests pass theirs.
"use strict";

/** CUSTOMER_ID marks every order the canary places (excluded from business reports by it). */
const CUSTOMER_ID = "synthetic-canary";

class CanaryStepError extends Error {
  constructor(step, message) {
    super(`${step}: ${message}`);
    this.name = "CanaryStepError";
    this.step = step;
  }
}

async function call(fetchFn, step, url, init, timeoutMs) {
  let response;
  try {
    response = await fetchFn(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = error?.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : String(error);
    throw new CanaryStepError(step, `${init.method} ${url} failed: ${reason}`);
  }
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text };
}

function expectStatus(step, result, allowed) {
  if (!allowed.includes(result.status))
    throw new CanaryStepError(
      step,
      `expected HTTP ${allowed.join(" or ")}, got ${result.status}: ${result.text.slice(0, 300)}`,
    );
}

/**
 * placeOrder runs the three steps against baseUrl and returns the order's id and each step's time.
 * @param {{ baseUrl: string, runId: string, fetch?: typeof fetch, now?: () => number, timeoutMs?: number }} options
 */
async function placeOrder(options) {
  const { baseUrl, runId } = options;
  const fetchFn = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!/^https?:\/\/[^/]+$/.test(baseUrl ?? ""))
    throw new CanaryStepError(
      "config",
      `ORDER_API_URL must be a bare origin such as https://node-app.example.com, got ${JSON.stringify(baseUrl)}`,
    );
  if (!runId) throw new CanaryStepError("config", "a run id is required (it makes the Idempotency-Key)");
  const timings = {};
  const timed = async (step, fn) => {
    const start = now();
    const result = await fn();
    timings[step] = now() - start;
    return result;
  };
  // A content type only with a body: Fastify refuses an empty body declared as JSON (400).
  const accept = { accept: "application/json" };
  const json = { ...accept, "content-type": "application/json" };

  const request = {
    customerId: CUSTOMER_ID,
    currency: "EUR",
    items: [{ sku: "canary-sku", quantity: 1, unitPrice: 1 }],
  };
  const created = await timed("create", () =>
    call(
      fetchFn,
      "create",
      `${baseUrl}/orders`,
      {
        method: "POST",
        headers: { ...json, "idempotency-key": `canary-${runId}` },
        body: JSON.stringify(request),
      },
      timeoutMs,
    ),
  );
  expectStatus("create", created, [201, 200]);
  const id = created.body?.id;
  if (typeof id !== "string" || id.length === 0)
    throw new CanaryStepError("create", `the answer has no order id: ${created.text.slice(0, 300)}`);

  const read = await timed("read", () =>
    call(
      fetchFn,
      "read",
      `${baseUrl}/orders/${encodeURIComponent(id)}`,
      { method: "GET", headers: accept },
      timeoutMs,
    ),
  );
  expectStatus("read", read, [200]);
  if (read.body?.id !== id || read.body?.customerId !== CUSTOMER_ID)
    throw new CanaryStepError("read", `order ${id} came back as something else: ${read.text.slice(0, 300)}`);

  const cancelled = await timed("cancel", () =>
    call(
      fetchFn,
      "cancel",
      `${baseUrl}/orders/${encodeURIComponent(id)}/cancel`,
      { method: "POST", headers: accept },
      timeoutMs,
    ),
  );
  expectStatus("cancel", cancelled, [200]);
  if (cancelled.body?.status !== "cancelled")
    throw new CanaryStepError("cancel", `order ${id} is ${cancelled.body?.status}, not cancelled`);

  return { orderId: id, timings };
}

module.exports = { placeOrder, CanaryStepError, CUSTOMER_ID };
