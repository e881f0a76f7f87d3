import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, request, startApp, uniqueDatabase, waitFor } from "./helpers.ts";

let running: RunningApp;
const database = uniqueDatabase();
const order = (customerId = "c1", quantity = 2) => ({
  customerId,
  items: [
    { sku: "A-1", quantity, unitPrice: 9.5 },
    { sku: "B-2", quantity: 1, unitPrice: 0.99 },
  ],
  currency: "EUR",
});
const post = (path: string, body?: unknown, headers?: Record<string, string>) =>
  request(running.base + path, { method: "POST", body, headers });

beforeAll(async () => {
  running = await startApp({ MONGODB_DATABASE: database });
  await waitFor(
    "readiness (indexes created)",
    async () => (await request(`${running.base}/readyz`)).status === 200,
  );
});

afterAll(async () => {
  await running.mongo.db(database).dropDatabase();
  await running.stop();
});

describe("order API on a real database", () => {
  it("creates the indexes at start-up", async () => {
    const indexes = await running.mongo.db(database).collection("orders").indexes();
    expect(indexes.map((i) => i.name)).toEqual(
      expect.arrayContaining(["idempotencyKey_unique", "customerId_id", "status_id"]),
    );
    expect(indexes.find((i) => i.name === "idempotencyKey_unique")?.unique).toBe(true);
  });

  it("a second replica starting on the same database becomes ready too (indexes already exist)", async () => {
    const second = await startApp({ MONGODB_DATABASE: database });
    try {
      await waitFor(
        "second replica readiness",
        async () => (await request(`${second.base}/readyz`)).status === 200,
      );
    } finally {
      await second.stop();
    }
  });

  it("creates and gets an order", async () => {
    const created = await post("/orders", order());
    expect(created.status).toBe(201);
    const body = created.json() as Record<string, unknown>;
    expect(body).toMatchObject({ customerId: "c1", currency: "EUR", total: 19.99, status: "pending" });
    expect(body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.headers.location).toBe(`/orders/${body.id}`);
    const got = await request(`${running.base}/orders/${body.id}`);
    expect(got.status).toBe(200);
    expect(got.json()).toEqual(body);
  });

  it("answers 404 for an absent order and 400 for a malformed id", async () => {
    const absent = await request(`${running.base}/orders/${"0".repeat(24)}`);
    expect(absent.status).toBe(404);
    expect(absent.headers["content-type"]).toContain("application/problem+json");
    expect(absent.json()).toMatchObject({ title: "Order not found", status: 404 });
    expect((await request(`${running.base}/orders/xyz`)).status).toBe(400);
  });

  it.each([
    ["a missing field", { items: order().items, currency: "EUR" }, "customerId"],
    ["no items", { ...order(), items: [] }, "items"],
    ["a zero quantity", { ...order(), items: [{ sku: "A", quantity: 0, unitPrice: 1 }] }, "quantity"],
    ["a lower-case currency", { ...order(), currency: "eur" }, "currency"],
    ["an unknown field", { ...order(), discount: 5 }, "additional"],
  ])("rejects %s with a 400 problem listing the errors", async (_, body, mentions) => {
    const res = await post("/orders", body);
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    const problem = res.json() as { title: string; errors: unknown[]; detail: string };
    expect(problem.title).toBe("Invalid request");
    expect(problem.errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(problem)).toContain(mentions);
  });

  it("rejects a body that is not JSON", async () => {
    const res = await request(`${running.base}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: undefined,
    });
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
  });

  it("replays a repeated Idempotency-Key and refuses one reused with another body", async () => {
    const first = await post("/orders", order("idem"), { "idempotency-key": "key-1" });
    const again = await post("/orders", order("idem"), { "idempotency-key": "key-1" });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.json()).toEqual(first.json());
    const other = await post("/orders", order("idem", 5), { "idempotency-key": "key-1" });
    expect(other.status).toBe(422);
    expect(other.json()).toMatchObject({
      title: "Idempotency-Key reused",
      orderId: (first.json() as { id: string }).id,
    });
  });

  it("lists newest first with cursor pagination and filters", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(((await post("/orders", order("pager"))).json() as { id: string }).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/orders?customerId=pager&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await request(running.base + query)).json() as {
        items: { id: string }[];
        nextCursor: string | null;
      };
      seen.push(...page.items.map((o) => o.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    await post(`/orders/${ids[0]}/cancel`);
    const cancelled = (await request(`${running.base}/orders?customerId=pager&status=cancelled`)).json() as {
      items: { id: string }[];
    };
    expect(cancelled.items.map((o) => o.id)).toEqual([ids[0]]);
  });

  it("rejects a bad cursor and a limit out of range", async () => {
    expect((await request(`${running.base}/orders?cursor=bogus`)).status).toBe(400);
    expect((await request(`${running.base}/orders?limit=1000`)).status).toBe(400);
  });

  it("cancels a pending order once, then answers 409", async () => {
    const { id } = (await post("/orders", order("cancel"))).json() as { id: string };
    const cancelled = await post(`/orders/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json()).toMatchObject({ id, status: "cancelled" });
    const again = await post(`/orders/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.json()).toMatchObject({ title: "Order cannot be cancelled", orderStatus: "cancelled" });
    expect((await post(`/orders/${"0".repeat(24)}/cancel`)).status).toBe(404);
  });
});
