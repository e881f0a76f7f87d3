import { join } from "node:path";
import { requireProjectFiles } from "../../config/project-files.ts";
import type { RolloutRun } from "../../plans/rollout.ts";
import { type CommandContext, loadProject } from "../context.ts";
import { exitCodeOfPlan } from "../exit.ts";
import { wholeNumber } from "../flags.ts";

/** RolloutFlags are kit rollout's options. */
export interface RolloutFlags {
  fault?: string;
  values: string[];
  set: string[];
  runs: string;
  reportDir?: string;
  env?: string;
  context?: string;
  namespace?: string;
  target?: string;
}

/** runRolloutCommand runs the zero-downtime gate as a plan and returns 0 only when every run passed. */
export async function runRolloutCommand(
  ctx: CommandContext,
  apps: string[],
  flags: RolloutFlags,
): Promise<number> {
  const project = await loadProject(ctx.options);
  requireProjectFiles(project.config, project.root, project.configPath);
  const [{ rolloutPlan, selectRolloutApps }, { realRolloutDeps }, { resolveTarget }, ui] = await Promise.all([
    import("../../plans/rollout.ts"),
    import("../../plans/rollout-deps.ts"),
    import("../../plans/targets.ts"),
    import("../../ui/index.ts"),
  ]);
  const runs = wholeNumber("--runs", flags.runs, {
    min: 1,
    max: 20,
    example: "--runs 3 repeats the rollout three times",
  });
  const chosen = selectRolloutApps(project.config, apps);
  const target = resolveTarget(project.config, project.root, flags, chosen);
  const reportDir = flags.reportDir ?? join(project.root, "test-results", "rollout");
  const built = rolloutPlan(
    {
      config: project.config,
      root: project.root,
      apps: chosen,
      target,
      fault: flags.fault,
      valuesFiles: flags.values,
      set: flags.set,
      runs,
      reportDir,
    },
    realRolloutDeps({ config: project.config, root: project.root, reportDir }),
  );
  const result = await ui.runUnderFrontEnd(built.plan, {
    frontEnd: ctx.frontEnd,
    signal: ctx.signal,
    cancel: ctx.cancel,
    verbose: ctx.options.verbose,
    hold: "on-failure",
    panel: { kind: "rollout", runs },
  });
  if (ctx.frontEnd !== "json") await printSummaries(built.runs);
  return exitCodeOfPlan(result);
}

async function printSummaries(runs: RolloutRun[]): Promise<void> {
  const { renderSummary } = await import("../../rollout/index.ts");
  for (const run of runs) {
    process.stdout.write(
      `\n=== ${run.app} run ${run.run}${run.fault ? ` (fault ${run.fault})` : ""}\n${renderSummary(run.result.report)}reports: ${run.files.html} ${run.files.junit} ${run.files.json}\n`,
    );
  }
  const passed = runs.filter((r) => r.result.ok).length;
  process.stdout.write(`\nkit rollout: ${passed}/${runs.length} run(s) passed\n`);
}
