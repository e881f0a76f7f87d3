/**
 * rollout-deps wires the rollout plan to the real world: the helm CLI, the rollout engine
 * (probe + watch + analysis), the Kubernetes API, report and gate-record files.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { KitConfig } from "../config/schema.ts";
import { UserError } from "../errors.ts";
import { chartIdentity, valuesHashes } from "../gate/inputs.ts";
import { writeGateRecord } from "../gate/record.ts";
import { stateDir } from "../paths.ts";
import { waitForNoTerminatingPods } from "../providers/cluster/kube.ts";
import { helmCli } from "../tools/helm/client.ts";
import type { ReportFiles, RolloutDeps, RolloutRun } from "./rollout.ts";

/** faultFile returns the path of a fault values file, or fails naming where the faults are. */
export function faultFile(root: string, chart: string, fault: string): string {
  const file = join(root, chart, "ci", "faults", `${fault}.yaml`);
  if (!existsSync(file)) {
    throw new UserError(`--fault ${fault}: ${chart}/ci/faults/${fault}.yaml does not exist.`, {
      hint: `See ${chart}/ci/faults/README.md for the faults this chart can inject.`,
    });
  }
  return file;
}

/** writeRolloutReports writes a run's text, JSON, JUnit and HTML reports next to base. */
export async function writeRolloutReports(
  base: string,
  run: Omit<RolloutRun, "files">,
  title: string,
): Promise<ReportFiles> {
  const { renderHtml, renderJson, renderJUnit, renderSummary } = await import("../rollout/index.ts");
  const files = { summary: `${base}.txt`, json: `${base}.json`, junit: `${base}.xml`, html: `${base}.html` };
  await mkdir(dirname(base), { recursive: true });
  await writeFile(files.summary, renderSummary(run.result.report));
  await writeFile(files.json, renderJson(run.result.report));
  await writeFile(files.junit, renderJUnit(run.result.report, title));
  await writeFile(files.html, renderHtml(run.result.report));
  return files;
}

/** realRolloutDeps are the dependencies `kit rollout` runs with. */
export function realRolloutDeps(options: {
  config: KitConfig;
  root: string;
  reportDir: string;
}): RolloutDeps {
  const { config, root, reportDir } = options;
  return {
    helm: helmCli,
    runRollout: async (rolloutOptions, runOptions) =>
      (await import("../rollout/index.ts")).runRollout(rolloutOptions, runOptions),
    waitForPodsGone: (target, selector, signal) =>
      waitForNoTerminatingPods(target.cluster, target.namespace, selector, 3 * 60_000, signal),
    writeReports: writeRolloutReports,
    async writeJson(file, value) {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(value));
    },
    writeGateRecord: (record) => writeGateRecord(root, record, reportDir),
    faultFile: (chart, fault) => faultFile(root, chart, fault),
    chartIdentity: (chart) => chartIdentity(root, chart),
    valuesHashes: async (app) => {
      const appConfig = config.apps[app];
      return appConfig ? valuesHashes(root, appConfig) : {};
    },
    now: () => Date.now(),
    workDir: join(stateDir(root), "rollout"),
  };
}
