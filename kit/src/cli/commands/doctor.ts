import { checkTools, doctorPlan } from "../../plans/doctor.ts";
import { loadVersions } from "../../tools/catalog.ts";
import { runUnderFrontEnd } from "../../ui/index.ts";
import { formatDoctorTable } from "../../ui/plain/doctor-table.ts";
import { type CommandContext, loadProject } from "../context.ts";

/** runDoctor checks (and with fix installs) the toolchain, prints the table, returns the exit code. */
export async function runDoctor(ctx: CommandContext, fix: boolean): Promise<number> {
  // A config named with --config (or KIT_CONFIG) is checked too: a doctor that passes on a broken config misleads.
  if (ctx.options.config ?? process.env.KIT_CONFIG) await loadProject(ctx.options);
  const versions = loadVersions();
  const result = await runUnderFrontEnd(doctorPlan({ fix, versions }), {
    frontEnd: ctx.frontEnd,
    signal: ctx.signal,
    cancel: ctx.cancel,
    verbose: ctx.options.verbose,
  });
  const checks = await checkTools(versions);
  if (ctx.options.json) {
    process.stdout.write(`${JSON.stringify({ type: "doctor-result", ok: result.ok, tools: checks })}\n`);
  } else {
    process.stdout.write(`\n${formatDoctorTable(checks)}`);
  }
  if (result.cancelled) return 130;
  const missing = checks.filter((c) => c.required && c.status !== "ok");
  if (missing.length > 0 && !ctx.options.json) {
    process.stdout.write(
      `\n${missing.length} required tool(s) not ready: ${missing.map((m) => m.name).join(", ")}. ${fix ? "See the errors above." : "Run `kit doctor --fix` to install them."}\n`,
    );
  }
  return missing.length === 0 && result.ok ? 0 : 1;
}
