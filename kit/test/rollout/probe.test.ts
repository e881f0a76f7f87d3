import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { type ProbeSettings, SseParser, startProbe } from "../../src/rollout/probe/index.ts";
import type { ProbeKind, TrafficRecord } from "../../src/rollout/types.ts";
import { PodServer } from "./support/pod-server.ts";

// Real servers on loopback, real sockets: each test makes a server misbehave on purpose and checks
// what the probe recorded.

const none: Omit<ProbeSettings, "target"> = {
  keepAliveConnections: 0,
  requestsPerSecond: 0,
  freshConnectionsPerSecond: 0,
  streams: 0,
  webSockets: 0,
  slowRequests: 0,
  slowRequestMs: 500,
  requestTimeoutMs: 1500,
  streamIntervalMs: 100,
  wsPingIntervalMs: 200,
  retryDelayMs: 50,
};

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function pod(
  name: string,
  options: Partial<ConstructorParameters<typeof PodServer>[0]> = {},
): Promise<PodServer> {
  const server = new PodServer({ pod: name, ...options });
  await server.listen();
  cleanups.push(() => server.crash());
  return server;
}

function ofKind(records: readonly TrafficRecord[], kind: ProbeKind): TrafficRecord[] {
  return records.filter((r) => r.kind === kind);
}

function outcomes(records: readonly TrafficRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of records) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  return counts;
}

async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("probe against real loopback servers", () => {
  it("records healthy traffic of every kind with the pod that served it", async () => {
    const server = await pod("pod-a");
    const probe = startProbe({
      ...none,
      target: server.url,
      keepAliveConnections: 2,
      requestsPerSecond: 100,
      freshConnectionsPerSecond: 40,
      streams: 2,
      webSockets: 2,
      slowRequests: 1,
      slowRequestMs: 300,
    });
    // At least 1.5 s, and until each kind has done its part: on a loaded machine (a CI run beside
    // it) the traffic takes longer than it does alone.
    const started = Date.now();
    const enough = () =>
      Date.now() - started >= 1500 &&
      probe.stats["http-reused"].ok > 50 &&
      probe.stats["http-fresh"].ok > 0 &&
      probe.stats.slow.ok > 0;
    while (!enough() && Date.now() - started < 15_000) await sleep(100);
    const records = await probe.stop();
    for (const kind of ["http-reused", "http-fresh", "slow"] as const) {
      const rs = ofKind(records, kind);
      expect(rs.length, kind).toBeGreaterThan(0);
      expect(
        rs.every((r) => r.outcome === "ok" && r.status === 200 && r.pod === "pod-a"),
        kind,
      ).toBe(true);
    }
    for (const kind of ["sse", "ws"] as const) {
      const rs = ofKind(records, kind);
      expect(rs.length, kind).toBe(2);
      expect(
        rs.every((r) => r.outcome === "stopped" && r.pod === "pod-a" && (r.messages ?? 0) > 3),
        kind,
      ).toBe(true);
    }
    expect(ofKind(records, "http-reused").length).toBeGreaterThan(50);
    expect(probe.stats["http-reused"].failed).toBe(0);
  });

  it("opens a fresh connection per fresh request and reuses kept-alive ones", async () => {
    const { createServer: createHttp } = await import("node:http");
    const remotePorts = { reused: new Set<number>(), fresh: new Set<number>() };
    const counter = createHttp((req, res) => {
      const which = req.url === "/fresh" ? remotePorts.fresh : remotePorts.reused;
      which.add(req.socket.remotePort ?? 0);
      res.setHeader("X-Served-By", "counter");
      res.end("ok");
    });
    await new Promise<void>((resolve) => counter.listen(0, "127.0.0.1", () => resolve()));
    cleanups.push(() => new Promise((resolve) => counter.close(resolve)));
    counter.keepAliveTimeout = 30_000;
    const url = `http://127.0.0.1:${(counter.address() as AddressInfo).port}`;
    const reused = startProbe({ ...none, target: url, keepAliveConnections: 2, requestsPerSecond: 100 });
    const fresh = startProbe({
      ...none,
      target: url,
      freshConnectionsPerSecond: 50,
      freshWorkers: 1,
      paths: { http: "/fresh" },
    });
    await sleep(1000);
    const reusedRecords = await reused.stop();
    const freshRecords = await fresh.stop();
    counter.closeAllConnections();
    expect(reusedRecords.length).toBeGreaterThan(30);
    expect(remotePorts.reused.size).toBe(2);
    expect(freshRecords.length).toBeGreaterThan(20);
    expect(remotePorts.fresh.size).toBe(freshRecords.length);
  });

  it("records refused connections for every kind when nothing listens", async () => {
    const port = await closedPort();
    const probe = startProbe({
      ...none,
      target: `http://127.0.0.1:${port}`,
      keepAliveConnections: 1,
      requestsPerSecond: 20,
      freshConnectionsPerSecond: 20,
      streams: 1,
      webSockets: 1,
      slowRequests: 1,
    });
    await sleep(500);
    const records = await probe.stop();
    for (const kind of ["http-reused", "http-fresh", "slow", "sse", "ws"] as const) {
      const rs = ofKind(records, kind).filter((r) => r.outcome !== "stopped");
      expect(rs.length, kind).toBeGreaterThan(0);
      expect(outcomes(rs), kind).toEqual({ refused: rs.length });
      expect(rs[0]?.error, kind).toBe("ECONNREFUSED");
    }
  });

  it("records resets when the server drops connections mid-request", async () => {
    const server = await pod("pod-r");
    server.resetRequests = true;
    const probe = startProbe({
      ...none,
      target: server.url,
      keepAliveConnections: 1,
      requestsPerSecond: 20,
      freshConnectionsPerSecond: 20,
      streams: 1,
      webSockets: 1,
    });
    await sleep(500);
    const records = (await probe.stop()).filter((r) => r.outcome !== "stopped");
    for (const kind of ["http-reused", "http-fresh", "sse", "ws"] as const) {
      const rs = ofKind(records, kind);
      expect(rs.length, kind).toBeGreaterThan(0);
      expect(outcomes(rs), kind).toEqual({ reset: rs.length });
    }
  });

  it("records HTTP errors with status and pod", async () => {
    const server = await pod("pod-503");
    server.forceStatus = 503;
    const probe = startProbe({
      ...none,
      target: server.url,
      keepAliveConnections: 1,
      requestsPerSecond: 20,
      streams: 1,
      webSockets: 1,
    });
    await sleep(400);
    const records = (await probe.stop()).filter((r) => r.outcome !== "stopped");
    for (const kind of ["http-reused", "sse", "ws"] as const) {
      const rs = ofKind(records, kind);
      expect(rs.length, kind).toBeGreaterThan(0);
      expect(
        rs.every((r) => r.outcome === "http-error" && r.status === 503 && r.pod === "pod-503"),
        kind,
      ).toBe(true);
    }
  });

  it("tells a graceful shutdown (final event, 1001) from a crash (no final event, 1006), and times reconnects", async () => {
    const graceful = await pod("pod-g");
    const port = graceful.port;
    const probe = startProbe({ ...none, target: graceful.url, streams: 2, webSockets: 2 });
    await sleep(500);
    graceful.sigterm();
    await graceful.exited;
    // A replacement on the same port, as a Service would route to a new pod.
    const crashing = await pod("pod-c", { port });
    await sleep(700);
    crashing.crash();
    const third = await pod("pod-d", { port });
    await sleep(700);
    const records = await probe.stop();
    for (const kind of ["sse", "ws"] as const) {
      const rs = ofKind(records, kind);
      const fromG = rs.filter((r) => r.pod === "pod-g");
      expect(fromG.length, kind).toBe(2);
      expect(
        fromG.every((r) => r.outcome === "graceful"),
        kind,
      ).toBe(true);
      const fromC = rs.filter((r) => r.pod === "pod-c");
      expect(fromC.length, kind).toBe(2);
      expect(
        fromC.every((r) => r.outcome === "abrupt"),
        kind,
      ).toBe(true);
      const fromD = rs.filter((r) => r.pod === "pod-d");
      expect(
        fromD.every((r) => r.outcome === "stopped" && r.reconnectMs !== undefined && r.reconnectMs < 1000),
        kind,
      ).toBe(true);
    }
    const sse = ofKind(records, "sse");
    expect(sse.filter((r) => r.pod === "pod-g").every((r) => r.finalEvent === true)).toBe(true);
    expect(sse.filter((r) => r.pod === "pod-c").every((r) => r.finalEvent === false)).toBe(true);
    const ws = ofKind(records, "ws");
    expect(ws.filter((r) => r.pod === "pod-g").map((r) => r.closeCode)).toEqual([1001, 1001]);
    expect(ws.filter((r) => r.pod === "pod-c").map((r) => r.closeCode)).toEqual([1006, 1006]);
    expect(third.isRunning).toBe(true);
  });

  it("staggers slow requests; records one cut by a crash as reset, and one that completes as ok", async () => {
    const server = await pod("pod-s");
    const probe = startProbe({ ...none, target: server.url, slowRequests: 2, slowRequestMs: 400 });
    // Worker 0 sends at 0 and 400 ms, worker 1 (staggered by 400 / 2) at 200 and 600 ms.
    await sleep(700);
    server.crash();
    await sleep(100);
    const records = ofKind(await probe.stop({ drainMs: 0 }), "slow");
    expect(records.filter((r) => r.outcome === "ok").length).toBe(2);
    expect(records.filter((r) => r.outcome === "reset").length).toBe(2);
    // Staggered, so a kill always finds slow requests of different ages in flight.
    const first = (worker: number) =>
      Math.min(...records.filter((r) => r.worker === worker).map((r) => r.start));
    expect(first(1) - first(0)).toBeGreaterThanOrEqual(150);
  });

  it("after stopSlowRequests starts no slow request, lets those in flight finish, and then stops at once", async () => {
    const server = await pod("pod-s");
    const probe = startProbe({ ...none, target: server.url, slowRequests: 2, slowRequestMs: 400 });
    await sleep(300);
    probe.stopSlowRequests();
    const stoppedAt = Date.now();
    await sleep(500);
    const started = Date.now();
    const records = ofKind(await probe.stop({ drainMs: 5000 }), "slow");
    // Nothing was left in flight to wait for.
    expect(Date.now() - started).toBeLessThan(300);
    expect(records.length).toBe(2);
    expect(records.every((r) => r.outcome === "ok" && r.start < stoppedAt)).toBe(true);
  });

  it("times out a server that accepts and never answers", async () => {
    const sockets = new Set<import("node:net").Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", () => resolve()));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => silent.close(resolve));
    });
    const port = (silent.address() as AddressInfo).port;
    const probe = startProbe({
      ...none,
      target: `http://127.0.0.1:${port}`,
      keepAliveConnections: 1,
      requestsPerSecond: 10,
      webSockets: 1,
      requestTimeoutMs: 300,
    });
    // undici checks its timeouts on a coarse (about 1 s) timer.
    await sleep(2500);
    const records = (await probe.stop({ drainMs: 0 })).filter((r) => r.outcome !== "stopped");
    expect(ofKind(records, "http-reused")[0]?.outcome).toBe("timeout");
    expect(ofKind(records, "ws")[0]?.outcome).toBe("timeout");
  });
});

describe("SseParser", () => {
  it("parses events split anywhere across chunks and keeps no body", () => {
    const parser = new SseParser("shutdown");
    const text =
      'event: tick\ndata: {"seq":0,"pod":"p1"}\n\nevent: tick\r\ndata: {"seq":1}\r\n\r\nevent: shutdown\ndata: {"reason":"shutdown"}\n\n';
    for (let i = 0; i < text.length; i += 7) parser.push(text.slice(i, i + 7));
    expect(parser.events).toBe(3);
    expect(parser.pod).toBe("p1");
    expect(parser.sawFinal).toBe(true);
  });
});
