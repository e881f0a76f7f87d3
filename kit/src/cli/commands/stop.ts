import { openLocalEnvironment } from "../../environment/state.ts";
import { releaseLockWhenFinished } from "../../environment/steps.ts";
import { stopPlan } from "../../plans/stop.ts";
import { runUnderFrontEnd } from "../../ui/index.ts";
import { type CommandContext, loadProject } from "../context.ts";

/** runStop stops the local environment, keeping its containers and data, and returns the exit code. */
export async function runStop(ctx: CommandContext): Promise<number> {
  const project = await loadProject(ctx.options);
  const environment = openLocalEnvironment(project.environment.name, {
    command: "kit stop",
    checkout: project.root,
  });
  const result = await runUnderFrontEnd(stopPlan({ config: project.config, environment }), {
    frontEnd: ctx.frontEnd,
    signal: ctx.signal,
    cancel: ctx.cancel,
    verbose: ctx.options.verbose,
    sinks: [releaseLockWhenFinished(environment.lock)],
  });
  if (result.cancelled) return 130;
  return result.ok ? 0 : 1;
}
