#!/usr/bin/env node
// bench runs the benchmark scripts in bench/ (all, or the ones named) one after another; each
// prints its own figures. Performance targets live here, never as timed assertions in tests.
// Usage: npm run bench [-- apps cluster services rollout-probe terraform-sandbox ...] [arguments for them]
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
// Arguments that name a benchmark choose it; the others go to the chosen ones (e.g. `dev 5`).
const names = new Set(available.map((f) => f.replace(/\.(mjs|ts)$/, "")));
const requested = process.argv.slice(2).filter((a) => names.has(a));
const forwarded = process.argv.slice(2).filter((a) => !names.has(a));
const chosen =
  requested.length === 0
    ? available
    : available.filter((f) => requested.includes(f.replace(/\.(mjs|ts)$/, "")));
if (requested.length === 0 && forwarded.length > 0) {
  process.stderr.write(`no benchmark named in ${forwarded.join(" ")}; available: ${[...names].join(", ")}\n`);
  process.exit(2);
}
let failed = 0;
for (const file of chosen) {
  process.stdout.write(`\n### bench/${file}\n`);
  const runner = file.endsWith(".ts")
    ? [join(root, "node_modules", "tsx", "dist", "cli.mjs"), join(root, "bench", file)]
    : [join(root, "bench", file)];
  const result = spawnSync(process.execPath, [...runner, ...forwarded], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, PATH: [join(cache, "bin"), process.env.PATH].join(delimiter) },
  });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
