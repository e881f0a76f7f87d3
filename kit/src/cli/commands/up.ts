import { join } from "node:path";
import { requireProjectFiles } from "../../config/project-files.ts";
import { openLocalEnvironment } from "../../environment/state.ts";
import { releaseLockWhenFinished } from "../../environment/steps.ts";
import { stateDir } from "../../paths.ts";
import { appLogSource } from "../../plans/app-logs.ts";
import { endpointsRecorder } from "../../plans/endpoints.ts";
import { upPlan } from "../../plans/up.ts";
import { realUpDeps } from "../../plans/up-deps.ts";
import { runUnderFrontEnd } from "../../ui/index.ts";
import { openRunLog } from "../../ui/plain/run-log.ts";
import { type CommandContext, loadProject } from "../context.ts";
import { wholeNumber } from "../flags.ts";

/** runUp brings the local environment up and returns the exit code. */
export async function runUp(
  ctx: CommandContext,
  opts: { env: string; only?: string; concurrency?: string },
): Promise<number> {
  const project = await loadProject(ctx.options);
  requireProjectFiles(project.config, project.root, project.configPath);
  const { UserError } = await import("../../errors.ts");
  const environment = project.config.environments[opts.env];
  if (!environment) {
    throw new UserError(`--env ${opts.env} is not an environment in ${project.configPath}.`, {
      hint: `Known environments: ${Object.keys(project.config.environments).join(", ")}.`,
    });
  }
  if (environment.type !== "local") {
    throw new UserError(`kit up brings up local environments only; ${opts.env} is an AWS environment.`, {
      hint: `An AWS environment gets what passed the local gate with \`kit promote ${opts.env}\` (docs/promote.md); \`kit rollout --env ${opts.env}\` tests it.`,
    });
  }
  const concurrency =
    opts.concurrency === undefined
      ? undefined
      : wholeNumber("--concurrency", opts.concurrency, {
          min: 1,
          example: "--concurrency 1 runs one step at a time",
        });
  const only = opts.only
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const local = openLocalEnvironment(project.environment.name, {
    command: "kit up",
    checkout: project.root,
  });
  const endpoints = endpointsRecorder(project.root, local);
  const plan = upPlan(
    {
      config: project.config,
      root: project.root,
      environment: local,
      only,
      localstackToken: project.overrides.localstackToken,
      databaseImage: project.overrides.databaseImage,
    },
    realUpDeps(),
  );
  const runLog = openRunLog(join(stateDir(project.root), "logs", "up.log"));
  const result = await runUnderFrontEnd(plan, {
    frontEnd: ctx.frontEnd,
    signal: ctx.signal,
    cancel: ctx.cancel,
    verbose: ctx.options.verbose,
    hold: "always",
    quitNote: "the environment stays up; `kit down` removes it",
    appLogs: appLogSource(project.config),
    concurrency,
    sinks: [endpoints.sink, runLog.sink, releaseLockWhenFinished(local.lock)],
  }).finally(() => runLog.close());
  const written = await endpoints.write();
  if (result.ok && !written.written && written.missing.length > 0) {
    process.stderr.write(`kit up did not write .kit/endpoints.json: ${written.missing.join("; ")}\n`);
  }
  if (result.cancelled) {
    process.stderr.write(
      "kit up was interrupted; what it had started is still there. `kit down` removes it.\n",
    );
    return 130;
  }
  if (!result.ok) process.stderr.write(`The whole output of this run, every step's: ${runLog.path}\n`);
  return result.ok ? 0 : 1;
}
