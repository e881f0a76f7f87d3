import { doctorPlan } from "../../plans/doctor.ts";
import { loadVersions } from "../../tools/catalog.ts";
import { runUnderFrontEnd } from "../../ui/index.ts";
import { type CommandContext, loadProject } from "../context.ts";

/** runUp validates the config, installs missing tools, and brings the environment up. */
export async function runUp(ctx: CommandContext, opts: { env: string; only?: string }): Promise<number> {
  await loadProject(ctx.options);
  const result = await runUnderFrontEnd(doctorPlan({ fix: true, versions: loadVersions() }), {
    frontEnd: ctx.frontEnd,
    signal: ctx.signal,
    cancel: ctx.cancel,
    verbose: ctx.options.verbose,
  });
  if (!result.ok) return result.cancelled ? 130 : 1;
  process.stderr.write(
    `kit up --env ${opts.env}: the toolchain is ready, but the environment steps (cluster, emulator, database, images, Terraform, charts) are not built yet.\n`,
  );
  return 1;
}
