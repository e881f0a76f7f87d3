import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type RunningApp, request, startApp, uniqueDatabase, waitFor } from "./helpers.ts";

let running: RunningApp;
const database = uniqueDatabase();

beforeAll(async () => {
  running = await startApp({
    APP_VERSION: "1.0.0",
    MAX_SLOW_MS: "500",
    WS_PING_INTERVAL_MS: "20",
    MONGODB_DATABASE: database,
  });
  await waitFor("readiness", async () => (await request(`${running.base}/readyz`)).status === 200);
});

afterAll(async () => {
  await running.mongo.db(database).dropDatabase();
  await running.stop();
});

describe("contract endpoints on a real server", () => {
  it.each([
    ["/", 200, "text/plain", "Hi! from node-app 1.0.0\n"],
    ["/version", 200, "application/json", '{"app":"node-app","version":"1.0.0","pod":"test-pod"}'],
    ["/healthz", 200, "application/json", '{"status":"ok"}'],
    ["/readyz", 200, "application/json", '{"status":"ready"}'],
    ["/slow?ms=20", 200, "application/json", '{"sleptMs":20,"pod":"test-pod"}'],
  ])("GET %s", async (path, status, type, body) => {
    const res = await request(running.base + path);
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]).toContain(type);
    expect(res.headers["x-served-by"]).toBe("test-pod");
    expect(res.body).toBe(body);
  });

  it.each([
    ["/slow?ms=501", 400, "must be an integer from 0 to 500"],
    ["/slow?ms=abc", 400, "must be an integer"],
    ["/stream?interval_ms=1", 400, "interval_ms"],
    ["/nope", 404, "no route for GET /nope"],
  ])("GET %s is a problem", async (path, status, detail) => {
    const res = await request(running.base + path);
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.headers["x-served-by"]).toBe("test-pod");
    const problem = res.json() as Record<string, unknown>;
    expect(problem).toMatchObject({ type: "about:blank", status, instance: path.split("?")[0] });
    expect(problem.detail).toContain(detail);
  });

  it("counts requests in /metrics", async () => {
    await request(`${running.base}/version`);
    const res = await request(`${running.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/http_requests_total\{route="\/version",method="GET",code="200"\} [1-9]/);
    expect(res.body).toContain("app_open_websockets");
    expect(res.body).toContain("process_resident_memory_bytes");
  });

  it("streams SSE ticks", async () => {
    const controller = new AbortController();
    const res = await fetch(`${running.base}/stream?interval_ms=20`, { signal: controller.signal });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.headers.get("x-served-by")).toBe("test-pod");
    const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while ((text.match(/event: tick/g) ?? []).length < 3) text += (await reader.read()).value ?? "";
    controller.abort();
    expect(
      text.startsWith('event: tick\ndata: {"seq":0,"pod":"test-pod"}\n\nevent: tick\ndata: {"seq":1,'),
    ).toBe(true);
  });

  it("echoes WebSocket messages after a hello, and pings", async () => {
    const ws = new WebSocket(`${running.base.replace("http", "ws")}/ws`);
    const upgradeHeaders = new Promise<Record<string, unknown>>((resolve) =>
      ws.once("upgrade", (res) => resolve(res.headers)),
    );
    let pings = 0;
    ws.on("ping", () => pings++);
    const messages: string[] = [];
    ws.on("message", (data) => messages.push(String(data)));
    await new Promise((resolve) => ws.once("open", resolve));
    expect((await upgradeHeaders)["x-served-by"]).toBe("test-pod");
    ws.send("one");
    ws.send("two");
    await waitFor("hello and two echoes", () => messages.length === 3, 5000);
    expect(messages).toEqual(['{"type":"hello","pod":"test-pod"}', "one", "two"]);
    await waitFor("three pings", () => pings >= 3, 5000);
    const closed = new Promise((resolve) => ws.once("close", resolve));
    ws.close(1000);
    await closed;
  });
});

describe("readiness with an unreachable database", () => {
  it("is 503 naming the database", async () => {
    const unreachable = new MongoClient("mongodb://127.0.0.1:1/", { serverSelectionTimeoutMS: 300 });
    const app = await startApp({ MONGODB_URL: "mongodb://127.0.0.1:1/" }, unreachable);
    try {
      const res = await request(`${app.base}/readyz`);
      expect(res.status).toBe(503);
      expect(res.json()).toMatchObject({ status: "unavailable" });
      expect(res.body).toMatch(/indexes not created yet|mongodb ping failed/);
      expect((await request(`${app.base}/healthz`)).status).toBe(200);
    } finally {
      app.ctx.lifecycle.draining = true; // stops the index retry loop
      await app.stop();
    }
  });
});

describe("warm-up (WARMUP_MS)", () => {
  it("answers 503 with Retry-After and fails readiness until warm, while /healthz passes", async () => {
    const app = await startApp({ WARMUP_MS: "400", MONGODB_DATABASE: database });
    try {
      for (const path of ["/", "/version", "/slow?ms=1", "/orders"]) {
        const res = await request(`${app.base}${path}`);
        expect(res.status, path).toBe(503);
        expect(res.headers["retry-after"], path).toBe("1");
        expect(res.json(), path).toMatchObject({ title: "Warming up", status: 503 });
      }
      expect((await request(`${app.base}/readyz`)).json()).toEqual({ status: "warming up" });
      expect((await request(`${app.base}/healthz`)).status).toBe(200);
      await waitFor(
        "readiness after warm-up",
        async () => (await request(`${app.base}/readyz`)).status === 200,
      );
      expect((await request(`${app.base}/`)).status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});

describe("a database that is not there when the app starts", () => {
  it("becomes ready once the database answers (the driver alone would stay closed for good)", async () => {
    // A port that refuses at first, then forwards to the test database: the app's first server
    // selection fails, as in a pod started before the database or the cluster's DNS was back.
    const { createServer, connect } = await import("node:net");
    const target = new URL(process.env.MONGODB_URL ?? "");
    const proxy = createServer((client) => {
      const upstream = connect(Number(target.port || 27017), target.hostname);
      client.pipe(upstream).pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
    });
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const url = `mongodb://127.0.0.1:${port}/${database}?directConnection=true`;
    const mongo = new MongoClient(url, { serverSelectionTimeoutMS: 300 });
    const app = await startApp({ MONGODB_URL: url, MONGODB_DATABASE: database }, mongo);
    try {
      await waitFor(
        "a failed first attempt",
        async () =>
          (await request(`${app.base}/readyz`)).status === 503 && app.ctx.database.lastError !== undefined,
      );
      await new Promise<void>((resolve) => proxy.listen(port, "127.0.0.1", resolve));
      await waitFor(
        "readiness once the database answers",
        async () => (await request(`${app.base}/readyz`)).status === 200,
        20_000,
      );
      expect(app.ctx.database.indexesReady).toBe(true);
    } finally {
      await app.stop();
      proxy.close();
    }
  });
});
