import { requireProjectFiles } from "../../config/project-files.ts";
import { buildPlan } from "../../plans/build.ts";
import { runUnderFrontEnd } from "../../ui/index.ts";
import { type CommandContext, loadProject } from "../context.ts";

/** BuildFlags are `kit build`'s options. */
export interface BuildFlags {
  tag?: string;
}

/** runBuild builds an app's image as `kit up` does, pushes it as --tag, and returns the exit code. */
export async function runBuild(ctx: CommandContext, app: string, flags: BuildFlags): Promise<number> {
  const { UserError } = await import("../../errors.ts");
  if (!flags.tag) {
    throw new UserError("kit build needs --tag <registry>/<repository>:<tag>.", {
      hint: "Tilt's custom_build passes it: kit build go-app --tag $EXPECTED_REF.",
    });
  }
  const project = await loadProject(ctx.options);
  requireProjectFiles(project.config, project.root, project.configPath);
  const plan = buildPlan({ config: project.config, root: project.root, app, tag: flags.tag });
  const result = await runUnderFrontEnd(plan, {
    frontEnd: ctx.frontEnd,
    signal: ctx.signal,
    cancel: ctx.cancel,
    verbose: ctx.options.verbose,
  });
  if (result.cancelled) return 130;
  return result.ok ? 0 : 1;
}
