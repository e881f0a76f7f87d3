#!/usr/bin/env node
// bench/apps: throughput and tail latency of `GET /` for go-app and node-app under wrk on loopback, and their
// resident memory at rest and after the load. Each app runs as built for its image (go build; tsc to dist), twice:
// with its per-request JSON log on (LOG_LEVEL=info, written to a file) and off (LOG_LEVEL=warn).
// node-app needs MONGODB_URL to start; GET / does not touch the database, so without one an unreachable URL is used.
// Usage: node bench/apps.mjs [--duration 10] [--connections 64]     (or: npm run bench -- apps)
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register();
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { run, startBackground, which } = await import(join(root, "kit/src/exec/index.ts"));

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const durationS = arg("duration", 10);
const connections = arg("connections", 64);
const wrk = await which("wrk");
if (!wrk) {
  process.stderr.write("wrk is not installed: apt-get install wrk (Debian's package)\n");
  process.exit(2);
}

const work = await mkdtemp(join(tmpdir(), "kit-bench-apps-"));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const rssMiB = (pid) => {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
};

async function waitReady(url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

function parseWrk(out) {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(out);
  const factor = { us: 0.001, ms: 1, s: 1000 }[p99?.[2] ?? "ms"];
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(out)?.[0] ?? "none";
  return {
    rps: Math.round(rps),
    p99Ms: p99 ? Math.round(Number(p99[1]) * factor * 100) / 100 : Number.NaN,
    errors,
  };
}

process.stdout.write(`building go-app and node-app in ${work}\n`);
const goBinary = join(work, "go-app");
await run("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", goBinary, "."], {
  cwd: join(root, "apps/go-app"),
  env: { ...process.env, CGO_ENABLED: "0" },
  timeoutMs: 600_000,
});
await run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: join(root, "apps/node-app"), timeoutMs: 600_000 });
await run("npm", ["run", "build"], { cwd: join(root, "apps/node-app"), timeoutMs: 600_000 });

const apps = {
  "go-app": [goBinary, []],
  "node-app": [process.execPath, [join(root, "apps/node-app/dist/main.js")]],
};
const results = [];
let port = 18700;
for (const [name, [file, args]] of Object.entries(apps)) {
  for (const logLevel of ["info", "warn"]) {
    port++;
    const logFile = join(work, `${name}-${logLevel}.log`);
    const proc = await startBackground(file, args, {
      logFile,
      env: {
        ...process.env,
        PORT: String(port),
        POD_NAME: "bench",
        LOG_LEVEL: logLevel,
        MONGODB_URL: process.env.MONGODB_URL ?? "mongodb://127.0.0.1:1/bench",
      },
    });
    try {
      const url = `http://127.0.0.1:${port}/`;
      await waitReady(url);
      await sleep(2000);
      const rssAtRest = rssMiB(proc.pid);
      // A short warm-up (JIT, connection setup), then the measured run.
      await run(wrk, ["-t2", "-c16", "-d2s", url]);
      const { stdout } = await run(wrk, ["-t2", `-c${connections}`, `-d${durationS}s`, "--latency", url], {
        timeoutMs: (durationS + 30) * 1000,
      });
      const figures = parseWrk(stdout);
      results.push({
        app: name,
        requestLog: logLevel === "info" ? "on" : "off",
        ...figures,
        rssAtRest,
        rssAfterLoad: rssMiB(proc.pid),
      });
    } finally {
      process.kill(proc.pid, "SIGKILL");
    }
  }
}
await rm(work, { recursive: true, force: true });

process.stdout.write(
  `\nGET / on loopback: wrk -t2 -c${connections} -d${durationS}s; ${process.env.MONGODB_URL ? "" : "node-app without a database; "}` +
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}\n`,
);
process.stdout.write(
  "app       request log  requests/s  p99 ms  RSS at rest MiB  RSS after load MiB  errors\n",
);
for (const r of results) {
  process.stdout.write(
    `${r.app.padEnd(9)} ${r.requestLog.padEnd(12)} ${String(r.rps).padStart(10)}  ${String(r.p99Ms).padStart(6)}  ${String(r.rssAtRest).padStart(15)}  ${String(r.rssAfterLoad).padStart(18)}  ${r.errors}\n`,
  );
}
