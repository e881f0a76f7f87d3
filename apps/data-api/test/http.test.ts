// The HTTP contract of data-api on an in-memory store: every endpoint, its validation and its errors.
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { MemoryItemStore, sequentialIds, testConfig } from "./helpers.ts";

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

function setup(config = testConfig()) {
  const store = new MemoryItemStore();
  const built = buildApp({
    config,
    store,
    now: () => new Date("2026-12-01T12:00:00Z"),
    newId: sequentialIds(),
  });
  apps.push(built.app);
  return { ...built, store };
}

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

describe("GET /status", () => {
  it("reports the app, its version, instance and table, and draining once SIGTERM arrived", async () => {
    const { app, state } = setup();
    const res = await app.inject("/status");
    expect(res.statusCode).toBe(200);
    expect(res.headers["x-served-by"]).toBe("data-api-test");
    expect(res.json()).toEqual({
      status: "ok",
      app: "data-api",
      version: "test",
      instance: "data-api-test",
      table: "items",
    });
    state.draining = true;
    expect((await app.inject("/status")).json().status).toBe("draining");
  });
});

describe("POST /data", () => {
  it("stores a JSON object under a new id and answers 201 with it and its Location", async () => {
    const { app, store } = setup();
    const res = await app.inject({ method: "POST", url: "/data", payload: { name: "ada", tags: ["x"] } });
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/data/${id(1)}`);
    const item = { id: id(1), createdAt: "2026-12-01T12:00:00.000Z", data: { name: "ada", tags: ["x"] } };
    expect(res.json()).toEqual(item);
    expect(store.items.get(id(1))).toEqual(item);
  });

  it.each([
    ["an array", [1, 2]],
    ["an empty object", {}],
    ["a string", "text"],
  ])("answers 400 to %s, naming what is wrong", async (_name, payload) => {
    const { app, store } = setup();
    const res = await app.inject({
      method: "POST",
      url: "/data",
      payload: JSON.stringify(payload),
      headers: { "content-type": "application/json" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json()).toMatchObject({ status: 400, title: "Bad Request", instance: "/data" });
    expect(res.json().detail).toMatch(/body/);
    expect(store.items.size).toBe(0);
  });

  it("answers 400 to JSON that does not parse, 413 to a body above MAX_BODY_BYTES, 415 to another media type", async () => {
    const { app } = setup();
    const broken = await app.inject({
      method: "POST",
      url: "/data",
      payload: "{",
      headers: { "content-type": "application/json" },
    });
    expect(broken.statusCode).toBe(400);
    const big = await app.inject({ method: "POST", url: "/data", payload: { blob: "x".repeat(2000) } });
    expect(big.statusCode).toBe(413);
    expect(big.json().detail).toContain("1024 bytes");
    const text = await app.inject({
      method: "POST",
      url: "/data",
      payload: "a=b",
      headers: { "content-type": "text/plain" },
    });
    expect(text.statusCode).toBe(415);
  });
});

describe("GET /data", () => {
  it("pages through every item with nextCursor, DEFAULT_PAGE_SIZE by default", async () => {
    const { app } = setup();
    for (let n = 1; n <= 5; n++) await app.inject({ method: "POST", url: "/data", payload: { n } });
    const seen: unknown[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await app.inject({ url: "/data", query: cursor ? { cursor } : {} });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { items: { data: { n: number } }[]; nextCursor?: string };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((i) => i.data.n));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(pages).toBe(3);
  });

  it("takes a limit up to MAX_PAGE_SIZE and refuses one above it, or a cursor it did not hand out", async () => {
    const { app } = setup();
    for (let n = 1; n <= 6; n++) await app.inject({ method: "POST", url: "/data", payload: { n } });
    const five = await app.inject({ url: "/data?limit=5" });
    expect(five.json().items).toHaveLength(5);
    expect(five.json().nextCursor).toEqual(expect.any(String));
    expect((await app.inject({ url: "/data?limit=6" })).statusCode).toBe(400);
    expect((await app.inject({ url: "/data?limit=0" })).statusCode).toBe(400);
    expect((await app.inject({ url: "/data?limit=two" })).statusCode).toBe(400);
    const forged = await app.inject({ url: "/data?cursor=bm90LWpzb24" });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().detail).toContain("cursor");
    expect((await app.inject({ url: "/data?page=2" })).statusCode).toBe(400);
  });

  it("answers an empty list with no cursor when there is nothing", async () => {
    const { app } = setup();
    expect((await app.inject("/data")).json()).toEqual({ items: [] });
  });
});

describe("DELETE /data/:id", () => {
  it("deletes an item (204), then answers 404 for it; 400 for an id that is not a UUID", async () => {
    const { app, store } = setup();
    await app.inject({ method: "POST", url: "/data", payload: { n: 1 } });
    expect((await app.inject({ method: "DELETE", url: `/data/${id(1)}` })).statusCode).toBe(204);
    expect(store.items.size).toBe(0);
    const again = await app.inject({ method: "DELETE", url: `/data/${id(1)}` });
    expect(again.statusCode).toBe(404);
    expect(again.json().detail).toBe(`no item with id ${id(1)}`);
    expect((await app.inject({ method: "DELETE", url: "/data/not-a-uuid" })).statusCode).toBe(400);
  });
});

describe("probes and failures", () => {
  it("is ready while the store answers, not while draining or when the store fails", async () => {
    const { app, state, store } = setup();
    expect((await app.inject("/readyz")).statusCode).toBe(200);
    store.failure = new Error("ResourceNotFoundException: table items not found");
    const down = await app.inject("/readyz");
    expect(down.statusCode).toBe(503);
    expect(down.json().reason).toContain("table items not found");
    store.failure = undefined;
    state.draining = true;
    expect((await app.inject("/readyz")).json()).toEqual({ status: "draining" });
    expect((await app.inject("/healthz")).statusCode).toBe(200);
  });

  it("answers 503 with Retry-After when DynamoDB throttles, 500 on other store errors, 404 on unknown routes", async () => {
    const { app, store } = setup();
    const throttled = new Error("slow down");
    throttled.name = "ThrottlingException";
    store.failure = throttled;
    const res = await app.inject("/data");
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBe("1");
    store.failure = new Error("boom");
    expect((await app.inject("/data")).statusCode).toBe(500);
    store.failure = undefined;
    const missing = await app.inject("/nothing");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().title).toBe("Not Found");
  });
});
