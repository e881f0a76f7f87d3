// rollout-probe measures kit rollout's traffic probe against a trivial loopback server
// (bench/support/rollout-server.mjs, its own process) beside wrk in the same run, rounds interleaved:
// - keep-alive HTTP on 4 reused connections, as fast as it goes: probe req/s ÷ wrk req/s (goal ≥ 0.6, issue 17);
// - a fresh connection per request (wrk with "Connection: close"): the same ratio;
// - memory and CPU of the probe holding 1,000 SSE streams, then 1,000 WebSockets, open.
// Usage: npm run bench -- rollout-probe   (or: npx tsx bench/rollout-probe.ts)

import { cpus, loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { run, which } from "../kit/src/exec/index.ts";
import { type ProbeSettings, startProbe } from "../kit/src/rollout/probe/index.ts";
import { median } from "./support/median.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const SECONDS = Number(process.env.KIT_BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.KIT_BENCH_ROUNDS ?? 3);
const CONNECTIONS = 4;
const OPEN = Number(process.env.KIT_BENCH_OPEN ?? 1000);

const wrk = (await which("wrk")) ?? "/usr/bin/wrk";
const stopServer = new AbortController();
let port = 0;
const listening = new Promise<void>((resolve) => {
  run(process.execPath, [fileURLToPath(new URL("support/rollout-server.mjs", import.meta.url))], {
    signal: stopServer.signal,
    onLine: (line) => {
      const match = /^listening (\d+)/.exec(line);
      if (match) {
        port = Number(match[1]);
        resolve();
      }
    },
  }).catch(() => undefined);
});
await listening;
const target = `http://127.0.0.1:${port}`;

const none: Omit<ProbeSettings, "target"> = {
  keepAliveConnections: 0,
  requestsPerSecond: 0,
  freshConnectionsPerSecond: 0,
  streams: 0,
  webSockets: 0,
  slowRequests: 0,
  slowRequestMs: 1000,
};

async function wrkRps(fresh: boolean): Promise<number> {
  const args = [
    "-t1",
    `-c${CONNECTIONS}`,
    `-d${SECONDS}s`,
    ...(fresh ? ["-H", "Connection: close"] : []),
    `${target}/`,
  ];
  const { stdout } = await run(wrk, args);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
}

async function probeRps(
  fresh: boolean,
): Promise<{ rps: number; failed: number; cpuPercent: number; cpuUsPerRequest: number }> {
  const settings: ProbeSettings = fresh
    ? { ...none, target, freshConnectionsPerSecond: Number.POSITIVE_INFINITY, freshWorkers: CONNECTIONS }
    : { ...none, target, keepAliveConnections: CONNECTIONS, requestsPerSecond: Number.POSITIVE_INFINITY };
  const cpuStart = process.cpuUsage();
  const probe = startProbe(settings);
  const started = performance.now();
  await sleep(SECONDS * 1000);
  const records = await probe.stop({ drainMs: 1000 });
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuUs = cpu.user + cpu.system;
  const ok = records.filter((r) => r.outcome === "ok").length;
  return {
    rps: ok / elapsed,
    failed: records.filter((r) => r.outcome !== "ok" && r.outcome !== "stopped").length,
    cpuPercent: cpuUs / 10_000 / elapsed,
    cpuUsPerRequest: cpuUs / Math.max(1, ok),
  };
}

const rows: string[][] = [
  ["traffic", "wrk req/s", "probe req/s", "ratio", "probe CPU", "probe CPU µs/req", "probe failures"],
];
for (const fresh of [false, true]) {
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const w = await wrkRps(fresh);
    gc();
    const p = await probeRps(fresh);
    ratios.push(p.rps / w);
    rows.push([
      `${fresh ? "fresh connection" : "keep-alive"} round ${round}`,
      w.toFixed(0),
      p.rps.toFixed(0),
      (p.rps / w).toFixed(2),
      `${p.cpuPercent.toFixed(0)}%`,
      p.cpuUsPerRequest.toFixed(0),
      String(p.failed),
    ]);
  }
  rows.push([`${fresh ? "fresh connection" : "keep-alive"} median`, "", "", median(ratios).toFixed(2), ""]);
}

async function holdOpen(kind: "streams" | "webSockets"): Promise<string[]> {
  gc();
  await sleep(200);
  gc();
  const before = process.memoryUsage();
  const probe = startProbe({ ...none, target, [kind]: OPEN, streamIntervalMs: 1000, wsPingIntervalMs: 1000 });
  const key = kind === "streams" ? "sse" : "ws";
  const deadline = Date.now() + 60_000;
  while (probe.stats[key].connected < OPEN && Date.now() < deadline) await sleep(100);
  const connected = probe.stats[key].connected;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await sleep(5000);
  const cpu = process.cpuUsage(cpuStart);
  const cpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - wallStart)) * 100;
  gc();
  await sleep(200);
  gc();
  const after = process.memoryUsage();
  const failed = probe.stats[key].failed;
  await probe.stop({ drainMs: 0 });
  const perConnection = (bytes: number): string => `${(bytes / connected / 1024).toFixed(1)} KiB`;
  return [
    `${connected} ${kind === "streams" ? "SSE streams" : "WebSockets"} (1 message/s each)`,
    `${((after.heapUsed - before.heapUsed) / 1048576).toFixed(1)} MiB (${perConnection(after.heapUsed - before.heapUsed)}/conn)`,
    `${((after.rss - before.rss) / 1048576).toFixed(1)} MiB (${perConnection(after.rss - before.rss)}/conn)`,
    `${cpuPercent.toFixed(1)}% of a core`,
    String(failed),
  ];
}

// What the probe costs at kit.config.yaml's default rates (slow requests left out: this server has no /slow).
async function defaultRatesCpu(): Promise<string> {
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const probe = startProbe({
    ...none,
    target,
    keepAliveConnections: 4,
    requestsPerSecond: 50,
    freshConnectionsPerSecond: 10,
    streams: 4,
    webSockets: 4,
  });
  await sleep(5000);
  const records = await probe.stop({ drainMs: 500 });
  const cpu = process.cpuUsage(cpuStart);
  const percent = (cpu.user + cpu.system) / 10 / (performance.now() - started);
  return `default rates (50 + 10 req/s, 4 streams, 4 WebSockets): ${percent.toFixed(1)}% of a core, ${records.length} records in 5 s`;
}
const defaultRates = await defaultRatesCpu();

const memoryRows = [["held open", "heap growth", "RSS growth", "probe CPU while held", "failures"]];
memoryRows.push(await holdOpen("streams"));
memoryRows.push(await holdOpen("webSockets"));
stopServer.abort();

const print = (table: string[][]): void => {
  const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => (r[i] ?? "").length))) ?? [];
  for (const row of table) console.log(row.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  "));
};
console.log(
  `probe vs wrk (${CONNECTIONS} connections, ${SECONDS} s per run, wrk -t1, server: node http in its own process)`,
);
print(rows);
console.log("");
print(memoryRows);
console.log(defaultRates);
console.log(
  `load average during the run: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} on ${cpus().length} cores`,
);
console.log("goal: keep-alive ratio >= 0.6 (issue 17)");
