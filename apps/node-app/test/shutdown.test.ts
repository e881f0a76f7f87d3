// The shutdown test of the app contract against the real built program (dist/main.js, as in the image): it holds
// keep-alive requests, an SSE stream, a WebSocket and slow requests open, sends SIGTERM and checks what each client saw.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { mongoUrl, request, uniqueDatabase } from "./helpers.ts";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const DRAIN_DELAY_MS = 1500;
const SHUTDOWN_TIMEOUT_MS = 8000;
const SLOW_MS = 2500; // longer than the drain delay, so slow requests are in flight when the listener closes

interface Program {
  child: ChildProcess;
  base: string;
  logs: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const programs: Program[] = [];
afterEach(() => {
  for (const p of programs.splice(0)) if (p.child.exitCode === null) p.child.kill("SIGKILL");
});

async function startProgram(env: Record<string, string> = {}): Promise<Program> {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does it).`);
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: "0",
      POD_NAME: "shutdown-test",
      MONGODB_URL: mongoUrl(),
      MONGODB_DATABASE: uniqueDatabase(),
      WS_PING_INTERVAL_MS: "200",
      DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const logs: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const program: Program = { child, base: "", logs, exited };
  programs.push(program);
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(
      () => reject(new Error(`node-app did not log "listening" within 20 s:\n${logs.join("\n")}`)),
      20_000,
    );
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        logs.push(line);
        const entry = JSON.parse(line) as { msg?: string; addr?: string };
        if (entry.msg === "listening" && entry.addr) {
          clearTimeout(timer);
          resolve(Number(entry.addr.slice(entry.addr.lastIndexOf(":") + 1)));
        }
      }
    });
    child.once("exit", (code) =>
      reject(new Error(`node-app exited with ${code} before listening:\n${logs.join("\n")}`)),
    );
  });
  program.base = `http://127.0.0.1:${port}`;
  return program;
}

/** Outcome is what the clients saw during one shutdown. */
interface Outcome {
  problems: string[];
  keepAliveOk: number;
  readyz503: boolean;
  drainRequestsOk: number;
  streamTicks: number;
  streamFinal: boolean;
  wsCloseCode?: number;
  wsCloseReason?: string;
  slowCompleted: number;
  exitCode: number | null;
  exitAfterMs: number;
}

async function runShutdownScenario(env: Record<string, string> = {}): Promise<Outcome> {
  const p = await startProgram(env);
  const o: Outcome = {
    problems: [],
    keepAliveOk: 0,
    readyz503: false,
    drainRequestsOk: 0,
    streamTicks: 0,
    streamFinal: false,
    slowCompleted: 0,
    exitCode: null,
    exitAfterMs: -1,
  };
  const fail = (problem: string) => o.problems.push(problem);
  let signalledAt = 0;

  // Keep-alive: one connection reused by a request every 20 ms, until shortly before the listener closes
  // (by then a load balancer has stopped sending; after it, new connections are refused by design).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const keepAlive = (async () => {
    while (signalledAt === 0 || Date.now() < signalledAt + DRAIN_DELAY_MS - 300) {
      try {
        const res = await request(`${p.base}/`, { agent });
        if (res.status !== 200 || res.headers["x-served-by"] !== "shutdown-test") {
          return fail(`keep-alive GET /: status ${res.status}, X-Served-By ${res.headers["x-served-by"]}`);
        }
        o.keepAliveOk++;
      } catch (err) {
        return fail(`keep-alive GET / failed: ${(err as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();

  // SSE stream: count ticks; it must end cleanly right after the shutdown event.
  const stream = new Promise<void>((resolve) => {
    const req = http.get(`${p.base}/stream?interval_ms=100`, (res) => {
      let buffered = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffered += chunk;
        const events = buffered.split("\n\n");
        buffered = events.pop() ?? "";
        for (const event of events) {
          if (event.startsWith("event: tick\n")) o.streamTicks++;
          else if (event === 'event: shutdown\ndata: {"reason":"shutdown","pod":"shutdown-test"}')
            o.streamFinal = true;
          else fail(`unexpected stream event ${JSON.stringify(event)}`);
        }
      });
      res.on("aborted", () => fail("stream ended abruptly (response aborted)"));
      res.on("end", () => {
        if (!o.streamFinal)
          fail(`stream ended without the final shutdown event (after ${o.streamTicks} ticks)`);
        resolve();
      });
      res.on("error", (err) => fail(`stream ended abruptly: ${err.message}`));
      res.on("close", resolve);
    });
    req.on("error", (err) => {
      fail(`stream request failed: ${err.message}`);
      resolve();
    });
  });

  // WebSocket: hello, echo, then the server's close.
  const ws = new WebSocket(`${p.base.replace("http", "ws")}/ws`);
  const wsMessages: string[] = [];
  ws.on("message", (data) => wsMessages.push(String(data)));
  ws.on("error", (err) => fail(`websocket error: ${err.message}`));
  const wsClosed = new Promise<void>((resolve) =>
    ws.once("close", (code, reason) => {
      o.wsCloseCode = code;
      o.wsCloseReason = String(reason);
      if (code !== 1001) fail(`websocket closed with ${code} "${reason}", want 1001`);
      resolve();
    }),
  );
  await new Promise((resolve) => ws.once("open", resolve));
  ws.send("echo-me");

  const slow = async (label: string) => {
    try {
      const res = await request(`${p.base}/slow?ms=${SLOW_MS}`);
      if (res.status !== 200 || !res.body.includes(`"sleptMs":${SLOW_MS}`)) {
        return fail(`${label} slow request: ${res.status} ${res.body}`);
      }
      if (res.headers.connection !== "close") {
        fail(`${label} slow request answered after closing began without Connection: close`);
      }
      o.slowCompleted++;
    } catch (err) {
      fail(`${label} slow request failed: ${(err as Error).message}`);
    }
  };
  const slows = [slow("before-SIGTERM"), slow("before-SIGTERM")];
  await new Promise((resolve) => setTimeout(resolve, 300));

  signalledAt = Date.now();
  p.child.kill("SIGTERM");
  slows.push(slow("during-drain"));

  // During the drain delay: readiness fails, new connections are still served.
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const path of ["/readyz", "/"]) {
    try {
      const res = await request(p.base + path, { agent: new http.Agent({ keepAlive: false }) });
      if (path === "/readyz") {
        if (res.status === 503) o.readyz503 = true;
        else fail(`GET /readyz during the drain delay = ${res.status}, want 503`);
      } else if (res.status === 200) o.drainRequestsOk++;
      else fail(`GET / during the drain delay = ${res.status}, want 200`);
    } catch (err) {
      fail(`GET ${path} on a new connection during the drain delay failed: ${(err as Error).message}`);
    }
  }

  const limit = SHUTDOWN_TIMEOUT_MS + 5000;
  const exit = await Promise.race([
    p.exited,
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), limit)),
  ]);
  if (!exit) fail(`the process did not exit within ${limit} ms of SIGTERM`);
  else {
    o.exitCode = exit.code;
    o.exitAfterMs = exit.at - signalledAt;
  }
  await Promise.all([keepAlive, stream, wsClosed, ...slows]);
  agent.destroy();
  if (wsMessages[0] !== '{"type":"hello","pod":"shutdown-test"}' || wsMessages[1] !== "echo-me") {
    fail(`websocket messages ${JSON.stringify(wsMessages)}, want the hello then the echo`);
  }
  if (o.exitCode !== 0) fail(`exit code ${o.exitCode}, want 0`);
  if (o.exitAfterMs > SHUTDOWN_TIMEOUT_MS)
    fail(`exited ${o.exitAfterMs} ms after SIGTERM, after the grace period`);
  for (const phase of ["draining", "closing", "stopped"]) {
    if (!p.logs.some((line) => line.includes(`"phase":"${phase}"`)))
      fail(`no log line for shutdown phase "${phase}"`);
  }
  return o;
}

describe("shutdown of the built program", () => {
  it("serves through the drain delay, finishes in-flight work, ends streams and WebSockets, exits 0", async () => {
    const o = await runShutdownScenario();
    console.log(
      `exit ${o.exitCode} after ${o.exitAfterMs} ms; keep-alive ok ${o.keepAliveOk}; stream ticks ${o.streamTicks}, final ${o.streamFinal}; ws close ${o.wsCloseCode} "${o.wsCloseReason}"; slow ${o.slowCompleted}/3`,
    );
    expect(o.problems).toEqual([]);
    expect(o).toMatchObject({
      readyz503: true,
      drainRequestsOk: 1,
      slowCompleted: 3,
      streamFinal: true,
      wsCloseReason: "shutdown",
    });
    expect(o.keepAliveOk).toBeGreaterThan(10);
    expect(o.streamTicks).toBeGreaterThan(2);
    expect(o.exitAfterMs).toBeGreaterThanOrEqual(DRAIN_DELAY_MS);
  });

  it("catches FAULT_ON_SIGTERM=exit (the scenario can fail)", async () => {
    const o = await runShutdownScenario({ FAULT_ON_SIGTERM: "exit" });
    console.log(`problems found, as expected:\n${o.problems.join("\n")}`);
    const all = o.problems.join("\n");
    for (const want of ["slow request failed", "websocket closed with 1006", "stream ended", "phase"]) {
      expect(all, `a problem mentioning "${want}"`).toContain(want);
    }
  });

  it("keeps running on SIGTERM with FAULT_ON_SIGTERM=ignore", async () => {
    const p = await startProgram({ FAULT_ON_SIGTERM: "ignore" });
    p.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, DRAIN_DELAY_MS / 2));
    expect(p.child.exitCode).toBeNull();
    expect((await request(`${p.base}/healthz`)).status).toBe(200);
  });

  it("destroys what is left and exits 1 when SHUTDOWN_TIMEOUT_MS passes", async () => {
    const p = await startProgram({ DRAIN_DELAY_MS: "0", SHUTDOWN_TIMEOUT_MS: "500" });
    const slow = request(`${p.base}/slow?ms=5000`).then(
      () => "answered",
      () => "cut off",
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const signalledAt = Date.now();
    p.child.kill("SIGTERM");
    const exit = await p.exited;
    expect(exit.code).toBe(1);
    expect(exit.at - signalledAt).toBeLessThan(3000);
    expect(await slow).toBe("cut off");
    expect(p.logs.some((line) => line.includes('"phase":"timeout"'))).toBe(true);
  });

  it("exits 2 naming the setting when a setting is invalid", async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, MONGODB_URL: mongoUrl(), DRAIN_DELAY_MS: "soon" },
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(stderr).toContain("DRAIN_DELAY_MS");
  });
});
