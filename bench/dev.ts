/**
 * bench/dev: how long a save takes to be live under `kit dev`, for Go and for Node, beside the
 * full path a user had before it (edit, then `kit up --only <app>`), in one run on an environment
 * of its own. A save's time runs from the file write to the first response carrying the new text
 * through the app's host port. Median of N saves per app (default 5; `-- dev 3` for fewer).
 *
 * Usage: npm run bench -- dev [saves]
 */

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DevEvent } from "../kit/src/dev/loop.ts";
import { httpText } from "../kit/test/support/cli.ts";
import { createTestEnvironment } from "../kit/test/support/test-environment.ts";
import { median } from "./support/median.ts";

const SAVES = Number(process.argv[2] ?? 5);
const APPS = {
  "go-app": {
    file: "apps/go-app/internal/app/app.go",
    text: '"Hi! from %s %s\\n"',
    as: (m: string) => `"${m} %s %s\\n"`,
  },
  "node-app": { file: "apps/node-app/src/routes/basic.ts", text: "Hi! from ", as: (m: string) => `${m} ` },
} as const;
type App = keyof typeof APPS;

const env = await createTestEnvironment("bench-dev");
const originals = new Map<App, string>();
for (const app of Object.keys(APPS) as App[])
  originals.set(app, readFileSync(join(env.root, APPS[app].file), "utf8"));

/** save writes a marker into the app's greeting and returns the time of the write. */
const save = (app: App, marker: string): number => {
  const spec = APPS[app];
  writeFileSync(join(env.root, spec.file), (originals.get(app) ?? "").replace(spec.text, spec.as(marker)));
  return performance.now();
};
/** served waits until the app answers with the marker; seconds since `from`. */
const served = async (app: App, marker: string, from: number): Promise<number> => {
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline) {
    const body = await httpText(`${env.appUrl(app)}/`).then(
      (r) => r.body,
      () => "",
    );
    if (body.startsWith(marker)) return (performance.now() - from) / 1000;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${app} never served "${marker}"`);
};

const devTimes: Record<App, number[]> = { "go-app": [], "node-app": [] };
/** Where a save's time went, from kit dev's own events: batch start after the write, host build, pod swap. */
const phases: Record<App, { change: number[]; build: number[]; swap: number[] }> = {
  "go-app": { change: [], build: [], swap: [] },
  "node-app": { change: [], build: [], swap: [] },
};
let current: { app: App; writtenAt: number } | undefined;
const upTimes: Record<App, number[]> = { "go-app": [], "node-app": [] };
try {
  const stop = new AbortController();
  let onApplied: (() => void) | undefined;
  let watching: () => void = () => undefined;
  const ready = new Promise<void>((r) => {
    watching = r;
  });
  const dev = env.kit(["--json", "dev", ...Object.keys(APPS)], {
    signal: stop.signal,
    timeoutMs: 3 * 60 * 60_000,
    onLine: (line) => {
      if (!line.startsWith('{"type":"dev-')) return;
      const event = JSON.parse(line) as DevEvent;
      if (event.type === "dev-watching") watching();
      if (event.type === "dev-change" && current)
        phases[current.app].change.push(event.time - current.writtenAt);
      if (event.type === "dev-applied") {
        // The sync step's summary: "generation … serving (build N ms, swap M ms)".
        const timing = event.actions.map((a) => /build (\d+) ms, swap (\d+) ms/.exec(a)).find(Boolean);
        if (current && timing) {
          phases[current.app].build.push(Number(timing[1]));
          phases[current.app].swap.push(Number(timing[2]));
        }
        onApplied?.();
      }
    },
  });
  await ready;
  for (const app of Object.keys(APPS) as App[]) {
    for (let n = 1; n <= SAVES; n++) {
      const marker = `Hi from save ${n} of`;
      const applied = new Promise<void>((r) => {
        onApplied = r;
      });
      const t = save(app, marker);
      current = { app, writtenAt: Date.now() };
      devTimes[app].push(await served(app, marker, t));
      await applied;
      process.stdout.write(`kit dev ${app} save ${n}: ${devTimes[app].at(-1)?.toFixed(2)} s\n`);
    }
  }
  current = undefined;
  stop.abort();
  await dev.catch(() => undefined);

  // Baseline: the same edit, then a full `kit up --only <app>`, until the new text is served.
  for (const app of Object.keys(APPS) as App[]) {
    for (let n = 1; n <= Math.min(SAVES, 3); n++) {
      const marker = `Hi from up ${n} of`;
      const t = save(app, marker);
      const up = await env.kit(["--json", "up", "--only", app], { timeoutMs: 30 * 60_000 });
      if (up.exitCode !== 0) throw new Error(`kit up --only ${app} failed:\n${up.stdout.slice(-3000)}`);
      upTimes[app].push(await served(app, marker, t));
      process.stdout.write(`kit up --only ${app} ${n}: ${upTimes[app].at(-1)?.toFixed(1)} s\n`);
    }
  }

  process.stdout.write(
    "\n| app | kit dev: save → served, median (min–max) | baseline: edit + `kit up --only`, median | goal |\n| --- | --- | --- | --- |\n",
  );
  for (const app of Object.keys(APPS) as App[]) {
    const d = devTimes[app];
    const goal = app === "go-app" ? "≤ 3 s" : "≤ 1 s";
    process.stdout.write(
      `| ${app} | ${median(d).toFixed(2)} s (${Math.min(...d).toFixed(2)}–${Math.max(...d).toFixed(2)}), ${d.length} saves | ${median(upTimes[app]).toFixed(1)} s, ${upTimes[app].length} runs | ${goal} |\n`,
    );
  }
  process.stdout.write(
    "\n| app | write → batch starts | host build + devrun | devrun swap (new process to ready) |\n| --- | --- | --- | --- |\n",
  );
  const ms = (xs: number[]) => (xs.length > 0 ? `${median(xs).toFixed(0)} ms` : "n/a");
  for (const app of Object.keys(APPS) as App[]) {
    const p = phases[app];
    process.stdout.write(`| ${app} | ${ms(p.change)} | ${ms(p.build)} | ${ms(p.swap)} |\n`);
  }
} finally {
  for (const [app, text] of originals) writeFileSync(join(env.root, APPS[app].file), text);
  await env.dispose();
}
