import { join } from "node:path";
import { stateDir } from "../../paths.ts";
import { appLogSource } from "../../plans/app-logs.ts";
import { endpointsRecorder } from "../../plans/endpoints.ts";
import { upPlan } from "../../plans/up.ts";
import { runUnderFrontEnd } from "../../ui/index.ts";
import { openRunLog } from "../../ui/plain/run-log.ts";
import { type CommandContext, loadProject } from "../context.ts";

/** runUp brings the local environment up and returns the exit code. */
export async function runUp(
  ctx: CommandContext,
  opts: { env: string; only?: string; concurrency?: string },
): Promise<number> {
  const project = await loadProject(ctx.options);
  const { UserError } = await import("../../errors.ts");
  const environment = project.config.environments[opts.env];
  if (!environment) {
    throw new UserError(`--env ${opts.env} is not an environment in ${project.configPath}.`, {
      hint: `Known environments: ${Object.keys(project.config.environments).join(", ")}.`,
    });
  }
  if (environment.type !== "local") {
    throw new UserError(`kit up brings up local environments only; ${opts.env} is an AWS environment.`, {
      hint: `AWS environments are deployed by the CD workflow (.github/workflows/cd.yml, environment ${opts.env}); kit has no command for them yet.`,
    });
  }
  const concurrency = opts.concurrency === undefined ? undefined : Number.parseInt(opts.concurrency, 10);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new UserError(`--concurrency ${opts.concurrency} is not a whole number of 1 or more.`);
  }
  const only = opts.only
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const endpoints = endpointsRecorder(project.root);
  const plan = upPlan({ config: project.config, root: project.root, only });
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
    sinks: [endpoints.sink, runLog.sink],
  }).finally(() => runLog.close());
  await endpoints.write();
  if (result.cancelled) {
    process.stderr.write(
      "kit up was interrupted; what it had started is still there. `kit down` removes it.\n",
    );
    return 130;
  }
  if (!result.ok) process.stderr.write(`The whole output of this run, every step's: ${runLog.path}\n`);
  return result.ok ? 0 : 1;
}
