import { openLocalEnvironment } from "../../environment/state.ts";
import { releaseLockWhenFinished } from "../../environment/steps.ts";
import { downPlan } from "../../plans/down.ts";
import { runUnderFrontEnd } from "../../ui/index.ts";
import { type CommandContext, loadProject } from "../context.ts";

/** runDown removes the local environment and returns the exit code. */
export async function runDown(ctx: CommandContext, opts: { volumes?: boolean }): Promise<number> {
  const project = await loadProject(ctx.options);
  const environment = openLocalEnvironment(project.environment.name, {
    command: "kit down",
    checkout: project.root,
  });
  const result = await runUnderFrontEnd(
    downPlan({ config: project.config, root: project.root, environment, volumes: Boolean(opts.volumes) }),
    {
      frontEnd: ctx.frontEnd,
      signal: ctx.signal,
      cancel: ctx.cancel,
      verbose: ctx.options.verbose,
      sinks: [releaseLockWhenFinished(environment.lock)],
    },
  );
  if (result.cancelled) return 130;
  return result.ok ? 0 : 1;
}
