/**
 * bench/go-builds: what each Go program kit builds from the Go module proxy costs, in wall and CPU
 * seconds (user + system of go and every compiler it ran), so a change to how builds are scheduled
 * can be judged on CPU-seconds, which load does not move much, rather than on wall time, which it
 * does. Prints every build recorded in kit's cache (build.json, written by each cold build), then
 * cold-builds the tools named on the command line into a scratch kit cache with an empty Go build
 * cache (GOCACHE; the module downloads stay in Go's module cache, so this is compile and link time)
 * and prints those beside their recorded runs.
 *
 * Usage: npm run bench -- go-builds [kind helm crane ...]   (no names: only the recorded builds)
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { cacheDir } from "../kit/src/paths.ts";
import { goToolSpecs } from "../kit/src/tools/catalog.ts";
import { type BuildCost, buildGoProgram } from "../kit/src/tools/go-build.ts";

const names = process.argv.slice(2);
const specs = goToolSpecs();
for (const name of names)
  if (!specs[name]) {
    process.stderr.write(
      `bench/go-builds: no Go tool named ${name}; known: ${Object.keys(specs).join(", ")}\n`,
    );
    process.exit(2);
  }

const recorded = new Map<string, BuildCost>();
const builds = join(cacheDir(), "go-builds");
if (existsSync(builds)) {
  for (const name of readdirSync(builds).sort()) {
    for (const entry of readdirSync(join(builds, name)).filter((e) => !e.startsWith(".tmp"))) {
      const file = join(builds, name, entry, "build.json");
      if (existsSync(file))
        recorded.set(`${name} ${entry.split("-")[0]}`, JSON.parse(readFileSync(file, "utf8")));
    }
  }
}

const cpu = (c: BuildCost | undefined) =>
  c?.cpuSeconds === undefined ? "n/a" : `${c.cpuSeconds.toFixed(1)} s`;
const wall = (c: BuildCost | undefined) => (c === undefined ? "n/a" : `${c.seconds.toFixed(1)} s`);

process.stdout.write(
  "\n| build | recorded wall | recorded CPU | cold now, wall | cold now, CPU | CPU ÷ wall now |\n",
);
process.stdout.write("| --- | --- | --- | --- | --- | --- |\n");
const scratch = mkdtempSync(join(tmpdir(), "kit-bench-go-"));
// An empty build cache: otherwise every package compiled before comes from it, and "cold" is a link.
process.env.GOCACHE = join(scratch, "go-build-cache");
try {
  for (const name of names) {
    const spec = specs[name];
    if (!spec) continue;
    const load = loadavg()[0]?.toFixed(1);
    const result = await buildGoProgram(spec, { env: { ...process.env, KIT_CACHE_DIR: scratch } });
    const now = JSON.parse(readFileSync(join(result.dir, "build.json"), "utf8")) as BuildCost;
    const key = `${spec.name} ${spec.version}`;
    const ratio = now.cpuSeconds === undefined ? "n/a" : (now.cpuSeconds / now.seconds).toFixed(2);
    process.stdout.write(
      `| ${key} (load ${load} at start) | ${wall(recorded.get(key))} | ${cpu(recorded.get(key))} | ${wall(now)} | ${cpu(now)} | ${ratio} |\n`,
    );
    recorded.delete(key);
  }
  for (const [key, cost] of recorded)
    process.stdout.write(`| ${key} | ${wall(cost)} | ${cpu(cost)} | | | |\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
