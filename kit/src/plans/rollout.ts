/**
 * The rollout plan: kit's zero-downtime gate as steps on the engine. For each app, one after the
 * other: read the release as deployed (its values, image digest, chart), optionally move it to a
 * fault or extra values unmeasured, then run the measured rollouts (probe + watch + a real helm
 * upgrade + analysis, see rollout/), write the reports, and record the gate evidence (pass or
 * fail). A release a fault or extra values changed is put back by a step that always runs, also
 * after Ctrl-C. Dependencies are passed in, so the graph has unit tests with fakes.
 */
import { join } from "node:path";
import type { KitConfig } from "../config/schema.ts";
import { definePlan, type Plan, type Step } from "../engine/plan.ts";
import { KitError, UserError } from "../errors.ts";
import type { ChartIdentity } from "../gate/inputs.ts";
import { GATE_RECORD_KIND, type GateRecord, kitVersion } from "../gate/record.ts";
import type { RolloutOptions, RolloutProgress, RolloutResult, RolloutRunOptions } from "../rollout/index.ts";
import { causeOf } from "../rollout/report/causes.ts";
import type { HelmClient } from "../tools/helm/client.ts";
import { refuseContainerApp } from "./container-app.ts";
import type { RolloutTarget } from "./targets.ts";

/** RolloutRequest is what `kit rollout` was asked to do. */
export interface RolloutRequest {
  config: KitConfig;
  root: string;
  /** Apps to roll out, in order; all of kit.config.yaml's when empty. */
  apps: string[];
  target: RolloutTarget;
  /** A fault values file name under charts/<app>/ci/faults/ (without .yaml). */
  fault?: string;
  valuesFiles: string[];
  set: string[];
  runs: number;
  reportDir: string;
}

/** ReportFiles are where one run's reports went. */
export interface ReportFiles {
  summary: string;
  json: string;
  junit: string;
  html: string;
}

/** RolloutRun is one finished run with where its reports are. */
export interface RolloutRun {
  app: string;
  run: number;
  fault?: string;
  result: RolloutResult;
  files: ReportFiles;
}

/** RolloutDeps are what the plan acts through; rollout-deps.ts has the real ones. */
export interface RolloutDeps {
  helm: HelmClient;
  runRollout(options: RolloutOptions, run: RolloutRunOptions): Promise<RolloutResult>;
  /** Waits until no pod of the selector is terminating (an earlier upgrade's pods are gone). */
  waitForPodsGone(target: RolloutTarget, selector: string, signal: AbortSignal): Promise<void>;
  /** Writes a run's reports under base (+ .txt/.json/.xml/.html). */
  writeReports(base: string, run: Omit<RolloutRun, "files">, title: string): Promise<ReportFiles>;
  /** Writes a JSON file (the deployed values a restore goes back to). */
  writeJson(file: string, value: unknown): Promise<void>;
  writeGateRecord(record: GateRecord): Promise<string>;
  /** The fault values file of a chart, or a user error naming the faults that exist. */
  faultFile(chart: string, fault: string): string;
  chartIdentity(chart: string): Promise<ChartIdentity>;
  valuesHashes(app: string): Promise<Record<string, string>>;
  now(): number;
  /** Where working files go (.kit/rollout). */
  workDir: string;
}

/** DeployedRelease is an app's release as the rollout found it. */
export interface DeployedRelease {
  app: string;
  revision: string;
  /** The release's user values, written to a file so a restore can go back to them. */
  valuesFile: string;
  image: { registry: string; repository: string; digest: string };
  chart: ChartIdentity;
  values: Record<string, string>;
}

/** RolloutFailed is a run whose verdict was a failure: the SLOs did not hold, or helm failed. */
export class RolloutFailed extends KitError {
  constructor(readonly run: RolloutRun) {
    const failures = run.result.analysis.failures.map((f) => `${f.class} (${f.count})`);
    const upgrade = run.result.upgradeError
      ? [`helm upgrade failed: ${run.result.upgradeError.message}`]
      : [];
    super(
      "external",
      `${run.app} run ${run.run}${run.fault ? ` (fault ${run.fault})` : ""} failed: ${[...failures, ...upgrade].join("; ") || "an SLO did not hold"}`,
      { hint: `See the report: ${run.files.html}` },
    );
  }
}

/** RolloutPlan is the plan plus what its runs produced, read by the command after it ends. */
export interface RolloutPlan {
  plan: Plan;
  runs: RolloutRun[];
  records: { app: string; record: GateRecord; file: string }[];
}

function stringAt(values: Record<string, unknown>, path: string[]): string {
  let at: unknown = values;
  for (const key of path) at = (at as Record<string, unknown> | undefined)?.[key];
  return typeof at === "string" ? at : "";
}

/** selectRolloutApps checks the requested apps against the config; none means all. */
export function selectRolloutApps(config: KitConfig, apps: string[]): string[] {
  const known = Object.keys(config.apps);
  for (const app of apps) {
    refuseContainerApp(config, app, "kit rollout");
    if (!known.includes(app)) {
      throw new UserError(`kit rollout: unknown app "${app}".`, {
        hint: `The apps in kit.config.yaml are: ${known.join(", ")}.`,
      });
    }
  }
  return apps.length > 0 ? apps : known;
}

/** rolloutPlan builds the gate's plan for the request. */
export function rolloutPlan(request: RolloutRequest, deps: RolloutDeps): RolloutPlan {
  const { config, root, target } = request;
  const apps = selectRolloutApps(config, request.apps);
  const runs: RolloutRun[] = [];
  const records: RolloutPlan["records"] = [];
  const steps: Step<unknown>[] = [];
  const layersExtra = request.fault !== undefined || request.valuesFiles.length > 0;
  const changesRelease = layersExtra || request.set.length > 0;
  let previousApp: Step<unknown> | undefined;

  for (const app of apps) {
    const appConfig = config.apps[app];
    if (!appConfig) continue;
    const chart = join(root, appConfig.chart);
    const selector = `app.kubernetes.io/instance=${app}`;
    const fault = request.fault ? deps.faultFile(appConfig.chart, request.fault) : undefined;

    const release: Step<DeployedRelease> = {
      id: `release:${app}`,
      title: `${app} release on ${target.environment}`,
      after: previousApp ? [previousApp] : [],
      async apply(ctx) {
        const current = await deps.helm.getRelease(target.cluster, target.namespace, app, ctx.signal);
        if (current?.status !== "deployed") {
          throw new UserError(
            `${app} is not deployed in ${target.namespace} on ${target.cluster.context} (release ${current?.status ?? "missing"}).`,
            {
              hint:
                target.type === "local"
                  ? "Run `kit up` first; kit rollout upgrades the release kit up installed."
                  : `Deploy ${app} to ${target.environment} first (kit promote), or check --context/--namespace.`,
            },
          );
        }
        const values = await deps.helm.getValues(target.cluster, target.namespace, app, ctx.signal);
        const valuesFile = join(deps.workDir, `${target.environment}-${app}.deployed-values.json`);
        await deps.writeJson(valuesFile, values);
        return {
          app,
          revision: current.revision,
          valuesFile,
          image: {
            registry: stringAt(values, ["service", "image", "registry"]),
            repository: stringAt(values, ["service", "image", "repository"]),
            digest: stringAt(values, ["service", "image", "digest"]),
          },
          chart: await deps.chartIdentity(appConfig.chart),
          values: await deps.valuesHashes(app),
        };
      },
      summarize: (r) => `revision ${r.revision}${r.image.digest ? `, ${r.image.digest.slice(0, 19)}` : ""}`,
    };
    steps.push(release);
    const layered = (r: DeployedRelease): string[] => [
      r.valuesFile,
      ...(fault ? [fault] : []),
      ...request.valuesFiles,
    ];

    let prepare: Step<void> | undefined;
    if (layersExtra) {
      // Faults live in the pods that get replaced (their preStop hook, SIGTERM handling, grace
      // period), so the release first moves to the faulty values unmeasured.
      prepare = {
        id: `prepare:${app}`,
        title: `${app} ${request.fault ? `fault ${request.fault}` : "extra values"} installed (unmeasured)`,
        needs: [release],
        async apply(ctx) {
          ctx.data({
            kind: "rollout-progress",
            app,
            run: 0,
            event: {
              type: "phase",
              time: deps.now(),
              phase: "upgrading",
              message: `preparing: installing ${request.fault ? `fault ${request.fault}` : "the extra values"} before the measured rollout`,
            } satisfies RolloutProgress,
          });
          await deps.helm.upgrade(
            target.cluster,
            {
              release: app,
              chart,
              namespace: target.namespace,
              valuesFiles: layered(ctx.resultOf(release)),
              set: {},
              wait: true,
              timeout: "5m",
            },
            { signal: ctx.signal, onLine: (line) => ctx.log(line) },
          );
        },
      };
      steps.push(prepare);
    }

    const runSteps: Step<RolloutRun>[] = [];
    for (let n = 1; n <= request.runs; n++) {
      const previousRun = runSteps.at(-1);
      const runStep: Step<RolloutRun> = {
        id: `run:${app}#${n}`,
        title: `${app} rollout ${n}/${request.runs}${request.fault ? ` (fault ${request.fault})` : ""}`,
        needs: [release, ...(prepare ? [prepare] : [])],
        after: previousRun ? [previousRun] : [],
        async apply(ctx) {
          const deployed = ctx.resultOf(release);
          // Pods an earlier upgrade replaced must be gone, or their shutdown lands in this run.
          ctx.progress("waiting for pods of an earlier upgrade to finish terminating");
          await deps.waitForPodsGone(target, selector, ctx.signal);
          const result = await deps.runRollout(
            {
              kubeconfig: target.cluster.kubeconfigPath,
              context: target.cluster.context,
              namespace: target.namespace,
              release: app,
              chart,
              valuesFiles: layered(deployed),
              // A new pod template every run, so each run is a real rollout.
              set: [`service.podAnnotations.kit\\.dev/rollout=run-${deps.now()}-${n}`, ...request.set],
              target: target.url(app),
              probe: config.rollout.probe,
              slo: config.rollout.slo,
            },
            {
              signal: ctx.signal,
              onEvent: (event) => {
                ctx.data({ kind: "rollout-progress", app, run: n, event });
                if (event.type === "phase") ctx.progress(`${event.phase}: ${event.message}`);
              },
            },
          );
          const base = join(request.reportDir, `${app}${request.fault ? `-${request.fault}` : ""}-run${n}`);
          const finished: Omit<RolloutRun, "files"> = { app, run: n, fault: request.fault, result };
          const files = await deps.writeReports(
            base,
            finished,
            `kit rollout ${app}${request.fault ? ` (${request.fault})` : ""}`,
          );
          const run: RolloutRun = { ...finished, files };
          runs.push(run);
          ctx.data({
            kind: "rollout-result",
            app,
            run: n,
            fault: request.fault,
            ok: result.ok,
            files,
            failures: result.analysis.failures.map((f) => ({
              class: f.class,
              ...(f.reason === undefined ? {} : { reason: f.reason }),
              count: f.count,
              cause: causeOf(f.evidence),
            })),
            upgradeError: result.upgradeError?.message,
          });
          if (!result.ok) throw new RolloutFailed(run);
          return run;
        },
        summarize: (run) => {
          const t = run.result.analysis.totals;
          return `passed: ${Object.values(t).reduce((sum, k) => sum + k.total, 0)} requests/connections, none lost`;
        },
      };
      runSteps.push(runStep);
      steps.push(runStep);
    }

    const gate: Step<GateRecord | undefined> = {
      id: `gate:${app}`,
      title: `${app} gate record`,
      needs: [release],
      after: runSteps,
      async apply(ctx) {
        const deployed = ctx.resultOf(release);
        const appRuns = runs.filter((r) => r.app === app);
        if (appRuns.length === 0) {
          ctx.log("no run finished, so there is no verdict to record");
          return undefined;
        }
        const passed = appRuns.length === request.runs && appRuns.every((r) => r.result.ok);
        const record: GateRecord = {
          kind: GATE_RECORD_KIND,
          version: 1,
          app,
          environment: target.environment,
          verdict: passed ? "pass" : "fail",
          time: new Date(deps.now()).toISOString(),
          image: deployed.image,
          chart: deployed.chart,
          values: deployed.values,
          ...(request.fault ? { fault: request.fault } : {}),
          overrides: { valuesFiles: request.valuesFiles, set: request.set },
          slo: { ...config.rollout.slo },
          runs: appRuns.map((r) => ({
            run: r.run,
            ok: r.result.ok,
            failures: r.result.analysis.failures.map((f) => ({ class: f.class, count: f.count })),
            report: r.files.json,
          })),
          kit: { version: kitVersion() },
        };
        const file = await deps.writeGateRecord(record);
        records.push({ app, record, file });
        ctx.data({ kind: "gate-record", app, verdict: record.verdict, digest: record.image.digest, file });
        return record;
      },
      summarize: (record) =>
        record
          ? `${record.verdict} recorded for ${record.image.digest.slice(0, 19) || "an image without digest"}`
          : "nothing to record",
    };
    steps.push(gate);
    previousApp = gate;

    if (changesRelease) {
      const restore: Step<void> = {
        id: `restore:${app}`,
        title: `${app} back to its deployed values`,
        needs: [release],
        after: [...(prepare ? [prepare] : []), ...runSteps, gate],
        always: true,
        async apply(ctx) {
          // Put the release back to the values it had, so a fault does not outlive the test.
          await deps.helm.upgrade(
            target.cluster,
            {
              release: app,
              chart,
              namespace: target.namespace,
              valuesFiles: [ctx.resultOf(release).valuesFile],
              set: {},
              wait: true,
              timeout: "5m",
            },
            {
              signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(10 * 60_000)]),
              onLine: (l) => ctx.log(l),
            },
          );
          // The faulty pods finish their shutdown before anything else measures the release.
          await deps.waitForPodsGone(target, selector, ctx.signal);
        },
      };
      steps.push(restore);
      previousApp = restore;
    }
  }
  return { plan: definePlan("rollout", steps), runs, records };
}
