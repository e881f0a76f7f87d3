/**
 * bench/promote: what `kit promote` costs, step by step, beside a blind deploy of the same release.
 *
 * It prepares the promote test's setup (kit/test/support/promote-standin.ts: a gate environment of
 * its own and a stand-in AWS environment), runs the local gate (kit rollout go-app), then times
 * `kit promote standin go-app --approve` twice: a first install (no re-gate: nothing to hold) and an
 * upgrade re-gated by the rollout probes through the stand-in's Ingress. The baseline, in the same
 * run, is what CD did before kit promote: `helm upgrade --install --wait` of the same chart, values
 * and digest with nothing checked and nothing held open. Everything it made is removed at the end.
 *
 * Usage: npm run bench -- promote
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunResult } from "../kit/src/exec/index.ts";
import { run } from "../kit/src/exec/index.ts";
import { binDir } from "../kit/src/paths.ts";
import { helmCli } from "../kit/src/tools/helm/client.ts";
import { jsonEvents } from "../kit/test/support/cli.ts";
import { preparePromoteStandin, STANDIN_NAMESPACE } from "../kit/test/support/promote-standin.ts";

const APP = "go-app";

/** stepSeconds reads each step's duration from a `kit --json` run's events. */
function stepSeconds(result: RunResult): Map<string, number> {
  const started = new Map<string, number>();
  const took = new Map<string, number>();
  for (const e of jsonEvents(result.stdout) as { type: string; step?: string; time: number }[]) {
    if (e.type === "step-started" && e.step) started.set(e.step, e.time);
    if ((e.type === "step-succeeded" || e.type === "step-failed") && e.step) {
      took.set(e.step, (e.time - (started.get(e.step) ?? e.time)) / 1000);
    }
  }
  return took;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - t) / 1e9];
}

function mustPass(what: string, result: RunResult): void {
  if (result.exitCode !== 0) {
    process.stderr.write(`${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}\n`);
    throw new Error(`${what} exited with ${result.exitCode}`);
  }
}

const [setup, setupSeconds] = await timed(() => preparePromoteStandin("bench-promote", [APP]));
try {
  const [gate, gateSeconds] = await timed(() =>
    setup.env.kit(["--json", "rollout", APP], { timeoutMs: 20 * 60_000 }),
  );
  mustPass("kit rollout", gate);
  const [install, installSeconds] = await timed(() => setup.promote(APP, ["--approve"]));
  mustPass("kit promote (install)", install);
  const [upgrade, upgradeSeconds] = await timed(() => setup.promote(APP, ["--approve"]));
  mustPass("kit promote (upgrade)", upgrade);

  // Baseline: the same release upgraded blind, as a CD job without kit would (a new annotation makes it roll).
  const cluster = { kubeconfigPath: setup.standin.kubeconfigPath, context: setup.standin.context };
  const values = await helmCli.getValues(cluster, STANDIN_NAMESPACE, APP);
  const valuesFile = join(setup.env.root, "bench-blind-values.json");
  const service = (values.service ?? {}) as Record<string, unknown>;
  service.podAnnotations = {
    ...((service.podAnnotations as object) ?? {}),
    "kit.dev/bench": String(Date.now()),
  };
  writeFileSync(valuesFile, JSON.stringify({ ...values, service }));
  const [, blindSeconds] = await timed(() =>
    run(
      join(binDir(), "helm"),
      [
        "upgrade",
        "--install",
        APP,
        join(setup.env.root, "charts", APP),
        "-n",
        STANDIN_NAMESPACE,
        "-f",
        valuesFile,
        "--wait",
        "--timeout",
        "10m",
        "--kubeconfig",
        cluster.kubeconfigPath,
        "--kube-context",
        cluster.context,
      ],
      { timeoutMs: 15 * 60_000 },
    ),
  );

  const first = stepSeconds(install);
  const second = stepSeconds(upgrade);
  const steps = [...new Set([...first.keys(), ...second.keys()])];
  const cell = (n: number | undefined) => (n === undefined ? "-" : n.toFixed(1)).padStart(10);
  process.stdout.write(`kit promote ${APP} to a stand-in AWS environment (seconds):\n`);
  process.stdout.write(`  ${"step".padEnd(28)}${"install".padStart(10)}${"upgrade".padStart(10)}\n`);
  for (const step of steps)
    process.stdout.write(`  ${step.padEnd(28)}${cell(first.get(step))}${cell(second.get(step))}\n`);
  process.stdout.write(`  ${"whole command".padEnd(28)}${cell(installSeconds)}${cell(upgradeSeconds)}\n\n`);
  process.stdout.write(
    `  blind helm upgrade --wait (the baseline: nothing checked, nothing held) ${blindSeconds.toFixed(1)} s\n`,
  );
  process.stdout.write(
    `  kit promote, re-gated upgrade                                          ${upgradeSeconds.toFixed(1)} s\n`,
  );
  process.stdout.write(
    `  local gate (kit rollout ${APP}) ${gateSeconds.toFixed(1)} s; setup (gate environment + stand-in) ${setupSeconds.toFixed(1)} s\n`,
  );
} finally {
  await setup.dispose();
}
