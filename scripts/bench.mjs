#!/usr/bin/env node
// bench runs the benchmark scripts in bench/ (all, or the ones named) one after another; each
// prints its own figures. Performance targets live here, never as timed assertions in tests.
// Usage: npm run bench [-- apps cluster services rollout-probe terraform-sandbox ...]
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cache = process.env.KIT_CACHE_DIR ?? join(homedir(), ".cache", "kit");
const available = readdirSync(join(root, "bench"))
  .filter((f) => f.endsWith(".mjs") || f.endsWith(".ts"))
  .sort();
const requested = process.argv.slice(2);
const chosen =
  requested.length === 0
    ? available
    : available.filter((f) => requested.includes(f.replace(/\.(mjs|ts)$/, "")));
if (chosen.length === 0) {
  process.stderr.write(`no benchmark matches ${requested.join(", ")}; available: ${available.join(", ")}\n`);
  process.exit(2);
}
let failed = 0;
for (const file of chosen) {
  process.stdout.write(`\n### bench/${file}\n`);
  const runner = file.endsWith(".ts")
    ? [join(root, "node_modules", "tsx", "dist", "cli.mjs"), join(root, "bench", file)]
    : [join(root, "bench", file)];
  const result = spawnSync(process.execPath, runner, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PATH: [join(cache, "bin"), process.env.PATH].join(delimiter) },
  });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
