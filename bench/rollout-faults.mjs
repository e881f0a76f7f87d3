#!/usr/bin/env node
// bench/rollout-faults: kit rollout's teeth, repeated. For each app, the correct chart and then each
// fault in charts/<app>/ci/faults/ run KIT_BENCH_RUNS times (default 5) through the real CLI
// (`kit --json rollout <app> [--fault f] --runs n`) on the kind cluster `kit up` made. A fault
// counts as caught in a run only when the run fails AND the analyzer names the expected class;
// the correct chart must pass every run. Prints one row per case with the wall time, and exits 1
// when any case misses. Brings the environment up first when it is not; leaves it up.
// Usage: npm run bench -- rollout-faults   (KIT_BENCH_APPS=go-app,node-app KIT_BENCH_RUNS=5)
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const kitBin = join(root, "kit", "bin", "kit.js");
const RUNS = Number(process.env.KIT_BENCH_RUNS ?? 5);
const APPS = (process.env.KIT_BENCH_APPS ?? "go-app").split(",").filter(Boolean);
const ONLY = (process.env.KIT_BENCH_FAULTS ?? "").split(",").filter(Boolean);

/** The failure class kit rollout must name for each fault values file. */
const EXPECTED = {
  "no-prestop": "no-prestop-drain",
  "no-readiness": "no-readiness-probe",
  "exit-on-sigterm": "exits-on-sigterm",
  "ignore-sigterm": "ignores-sigterm",
  "short-grace": "grace-too-short",
  "max-unavailable-one-replica": "no-ready-pod",
};

function kit(args, timeoutMs) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [kitBin, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CI: "1" },
    timeout: timeoutMs,
    maxBuffer: 512 * 1024 * 1024,
  });
  return { ...result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const status = kit(["--json", "status"], 120_000);
if (status.status !== 0) {
  process.stdout.write("environment not up: running kit up first\n");
  const up = kit(["--plain", "up"], 30 * 60_000);
  if (up.status !== 0) {
    process.stderr.write(up.stdout.slice(-4000) + up.stderr.slice(-2000));
    process.exit(1);
  }
}

const cases = [undefined, ...Object.keys(EXPECTED)].filter(
  (f) => ONLY.length === 0 || ONLY.includes(f ?? "none"),
);
const rows = [];
for (const app of APPS) {
  for (const fault of cases) {
    const args = ["--json", "rollout", app, "--runs", String(RUNS), ...(fault ? ["--fault", fault] : [])];
    const result = kit(args, RUNS * 10 * 60_000);
    const runs = result.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l))
      .filter((e) => e.type === "step-data" && e.data.kind === "rollout-result")
      .map((e) => e.data);
    const expected = fault ? EXPECTED[fault] : undefined;
    const good = runs.filter((r) =>
      fault ? !r.ok && r.failures.some((f) => f.class === expected) : r.ok,
    ).length;
    const classes = [...new Set(runs.flatMap((r) => r.failures.map((f) => f.class)))].join(",") || "-";
    rows.push({
      app,
      case: fault ?? "correct chart",
      want: fault ? `fail: ${expected}` : "pass",
      result: `${good}/${RUNS}${runs.length === RUNS ? "" : ` (only ${runs.length} runs reported)`}`,
      classes,
      seconds: result.seconds,
      ok: good === RUNS && runs.length === RUNS,
    });
    if (runs.length !== RUNS) process.stderr.write(result.stderr.slice(-3000));
    const r = rows.at(-1);
    process.stdout.write(
      `${r.app} ${r.case}: ${r.result} as expected (${r.classes}) in ${r.seconds.toFixed(0)} s\n`,
    );
  }
}

const header = ["app", "case", "expected", "as expected", "classes named", "wall (s)", "per run (s)"];
const table = rows.map((r) => [
  r.app,
  r.case,
  r.want,
  r.result,
  r.classes,
  r.seconds.toFixed(0),
  (r.seconds / RUNS).toFixed(0),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
process.stdout.write(`\nkit rollout, ${RUNS} runs per case:\n${line(header)}\n`);
for (const row of table) process.stdout.write(`${line(row)}\n`);
process.exit(rows.every((r) => r.ok) ? 0 : 1);
