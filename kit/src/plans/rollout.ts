/**
 * rollout runs kit's zero-downtime test against apps deployed by `kit up`: for each app it takes
 * the values the release runs with now, layers an optional fault and extra values, and calls the
 * rollout engine (probe + watch + a real helm upgrade + analysis). A faulty rollout is undone
 * afterwards with a plain upgrade back to the values the release had, so the environment is left
 * as it was found. Reports go to files: text, JSON, JUnit XML and HTML.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { KitConfig } from "../config/schema.ts";
import { UserError } from "../errors.ts";
import { stateDir } from "../paths.ts";
import { clusterProvider } from "../providers/cluster/index.ts";
import { waitForNoTerminatingPods } from "../providers/cluster/kube.ts";
import {
  type RolloutProgress,
  type RolloutResult,
  renderHtml,
  renderJson,
  renderJUnit,
  renderSummary,
  runRollout,
} from "../rollout/index.ts";
import { getRelease, getValues, upgrade } from "../tools/helm/index.ts";
import { environmentNames } from "./names.ts";

/** RolloutRequest is what `kit rollout` was asked to do. */
export interface RolloutRequest {
  config: KitConfig;
  root: string;
  apps: string[];
  /** A fault values file name under charts/<app>/ci/faults/ (without .yaml). */
  fault?: string;
  valuesFiles: string[];
  set: string[];
  runs: number;
  reportDir: string;
  signal: AbortSignal;
  onEvent?: (app: string, run: number, event: RolloutProgress) => void;
  /** Called as each run finishes, with its verdict and report files. */
  onRunFinished?: (run: RolloutRun) => void;
}

/** RolloutRun is one finished run with where its reports are. */
export interface RolloutRun {
  app: string;
  run: number;
  fault?: string;
  result: RolloutResult;
  files: { summary: string; json: string; junit: string; html: string };
}

/** faultFile returns the path of a fault values file, or fails naming the ones that exist. */
export function faultFile(root: string, chart: string, fault: string): string {
  const file = join(root, chart, "ci", "faults", `${fault}.yaml`);
  if (!existsSync(file)) {
    throw new UserError(`--fault ${fault}: ${chart}/ci/faults/${fault}.yaml does not exist.`, {
      hint: `See ${chart}/ci/faults/README.md for the faults this chart can inject.`,
    });
  }
  return file;
}

/** runRollouts runs the rollout test for each app, runs times, and returns every run. */
export async function runRollouts(request: RolloutRequest): Promise<RolloutRun[]> {
  const { config, root } = request;
  const names = environmentNames(config.project);
  const cluster = clusterProvider({
    provider: config.cluster.provider,
    name: names.cluster,
    context: config.cluster.context,
  }).ref();
  const known = Object.keys(config.apps);
  const apps = request.apps.length > 0 ? request.apps : known;
  for (const app of apps) {
    if (!known.includes(app)) {
      throw new UserError(`kit rollout: unknown app "${app}".`, {
        hint: `The apps in kit.config.yaml are: ${known.join(", ")}.`,
      });
    }
  }
  await mkdir(request.reportDir, { recursive: true });
  const work = join(stateDir(root), "rollout");
  await mkdir(work, { recursive: true });
  const runs: RolloutRun[] = [];
  for (const app of apps) {
    const appConfig = config.apps[app];
    if (!appConfig) continue;
    const release = await getRelease(cluster, names.namespace, app, request.signal);
    if (release?.status !== "deployed") {
      throw new UserError(`${app} is not deployed (release ${release?.status ?? "missing"}).`, {
        hint: "Run `kit up` first; kit rollout upgrades the release kit up installed.",
      });
    }
    // The values the release runs with now (kit up's values files and computed values).
    const deployed = join(work, `${app}.deployed-values.json`);
    await writeFile(deployed, JSON.stringify(await getValues(cluster, names.namespace, app, request.signal)));
    const chart = join(root, appConfig.chart);
    const fault = request.fault ? faultFile(root, appConfig.chart, request.fault) : undefined;
    const layered = [deployed, ...(fault ? [fault] : []), ...request.valuesFiles];
    try {
      if (fault || request.valuesFiles.length > 0) {
        // Faults live in the pods that get replaced (their preStop hook, their SIGTERM handling, their
        // grace period), so the release first moves to the faulty values unmeasured; the measured
        // rollout then replaces those pods.
        request.onEvent?.(app, 0, {
          type: "phase",
          time: Date.now(),
          phase: "upgrading",
          message: `preparing: installing ${fault ? `fault ${request.fault}` : "the extra values"} before the measured rollout`,
        });
        await upgrade(
          cluster,
          {
            release: app,
            chart,
            namespace: names.namespace,
            valuesFiles: layered,
            set: {},
            wait: true,
            timeout: "5m",
          },
          { signal: request.signal },
        );
      }
      for (let run = 1; run <= request.runs; run++) {
        // Pods an earlier upgrade replaced must be gone, or their shutdown lands in this run.
        await waitForNoTerminatingPods(
          cluster,
          names.namespace,
          `app.kubernetes.io/instance=${app}`,
          3 * 60_000,
        );
        const result = await runRollout(
          {
            kubeconfig: cluster.kubeconfigPath,
            context: cluster.context,
            namespace: names.namespace,
            release: app,
            chart,
            valuesFiles: layered,
            // A new pod template every run, so each run is a real rollout.
            set: [`service.podAnnotations.kit\\.dev/rollout=run-${Date.now()}-${run}`, ...request.set],
            target: `http://127.0.0.1:${appConfig.hostPort}`,
            probe: config.rollout.probe,
            slo: config.rollout.slo,
          },
          { signal: request.signal, onEvent: (event) => request.onEvent?.(app, run, event) },
        );
        const base = join(request.reportDir, `${app}${request.fault ? `-${request.fault}` : ""}-run${run}`);
        const files = {
          summary: `${base}.txt`,
          json: `${base}.json`,
          junit: `${base}.xml`,
          html: `${base}.html`,
        };
        await writeFile(files.summary, renderSummary(result.report));
        await writeFile(files.json, renderJson(result.report));
        await writeFile(
          files.junit,
          renderJUnit(result.report, `kit rollout ${app}${request.fault ? ` (${request.fault})` : ""}`),
        );
        await writeFile(files.html, renderHtml(result.report));
        const finished: RolloutRun = { app, run, fault: request.fault, result, files };
        runs.push(finished);
        request.onRunFinished?.(finished);
      }
    } finally {
      if (fault || request.valuesFiles.length > 0 || request.set.length > 0) {
        // Put the release back to the values it had, so a fault does not outlive the test.
        await upgrade(
          cluster,
          {
            release: app,
            chart,
            namespace: names.namespace,
            valuesFiles: [deployed],
            set: {},
            wait: true,
            timeout: "5m",
          },
          { signal: AbortSignal.timeout(10 * 60_000) },
        );
        // The faulty pods finish their shutdown before anything else measures the release.
        await waitForNoTerminatingPods(
          cluster,
          names.namespace,
          `app.kubernetes.io/instance=${app}`,
          3 * 60_000,
        );
      }
    }
  }
  return runs;
}
