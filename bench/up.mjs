#!/usr/bin/env node
// bench/up: wall time of `kit up` cold (images and tools cached, no cluster, no containers), as
// a no-op (everything up), and from a stopped environment (`kit stop`, then `kit up`), each
// beside the same plan run one step at a time (--concurrency 1, a plain sequential script of the
// same steps) in the same run. It measures an environment of its own (KIT_ENV_NAME kit-bench-up,
// ports shifted by KIT_PORT_OFFSET 1900, unless set), which it brings up from nothing and leaves
// down; the user's environment is never touched.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const kitBin = join(root, "kit", "bin", "kit.js");

function kit(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [kitBin, "--plain", ...args], {
    cwd: root,
    encoding: "utf8",
    env: {
      ...process.env,
      CI: "1",
      KIT_ENV_NAME: process.env.KIT_ENV_NAME ?? "kit-bench-up",
      KIT_PORT_OFFSET: process.env.KIT_PORT_OFFSET ?? "1900",
    },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    process.stderr.write(result.stdout.slice(-3000) + result.stderr.slice(-2000));
    throw new Error(`kit ${args.join(" ")} exited with ${result.status}`);
  }
  return seconds;
}

const rows = [];
for (const [label, extra] of [
  ["concurrent (kit up)", []],
  ["sequential (--concurrency 1)", ["--concurrency", "1"]],
]) {
  kit(["down", "--volumes"]);
  const cold = kit(["up", ...extra]);
  const noop = kit(["up", ...extra]);
  const stop = kit(["stop"]);
  const start = kit(["up", ...extra]);
  rows.push({ label, cold, noop, stop, start });
}
kit(["down", "--volumes"]);
const [par, seq] = rows;
process.stdout.write("kit up wall time (s), images and tools cached:\n");
for (const r of rows)
  process.stdout.write(
    `  ${r.label.padEnd(30)} cold ${r.cold.toFixed(1).padStart(6)}   no-op ${r.noop.toFixed(1).padStart(5)}   stop ${r.stop.toFixed(1).padStart(5)}   up after stop ${r.start.toFixed(1).padStart(5)}\n`,
  );
process.stdout.write(
  `  ratio concurrent/sequential     cold ${(par.cold / seq.cold).toFixed(2).padStart(6)}   no-op ${(par.noop / seq.noop).toFixed(2).padStart(5)}                up after stop ${(par.start / seq.start).toFixed(2).padStart(5)}\n`,
);
process.stdout.write("  goals: cold <= 60 s, no-op <= 2 s, up after stop <= 10 s (issue 17)\n");
