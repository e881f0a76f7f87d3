import { join } from "node:path";
import { runRollouts } from "../../plans/rollout.ts";
import { renderSummary } from "../../rollout/index.ts";
import { timestamp } from "../../ui/plain/printer.ts";
import { type CommandContext, loadProject } from "../context.ts";

/** RolloutFlags are kit rollout's options. */
export interface RolloutFlags {
  fault?: string;
  values: string[];
  set: string[];
  runs: string;
  reportDir?: string;
}

/** runRolloutCommand runs the zero-downtime test and returns 0 only when every run passed. */
export async function runRolloutCommand(
  ctx: CommandContext,
  apps: string[],
  flags: RolloutFlags,
): Promise<number> {
  const project = await loadProject(ctx.options);
  const { UserError } = await import("../../errors.ts");
  const runs = Number.parseInt(flags.runs, 10);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20) {
    throw new UserError(`--runs ${flags.runs} is not a whole number from 1 to 20.`);
  }
  const json = ctx.options.json;
  const write = (text: string): void => void process.stdout.write(text);
  const results = await runRollouts({
    config: project.config,
    root: project.root,
    apps,
    fault: flags.fault,
    valuesFiles: flags.values,
    set: flags.set,
    runs,
    reportDir: flags.reportDir ?? join(project.root, "test-results", "rollout"),
    signal: ctx.signal,
    onEvent: (app, run, event) => {
      if (json) {
        write(`${JSON.stringify({ app, run, ...event })}\n`);
        return;
      }
      const at = timestamp(event.time);
      if (event.type === "phase") write(`${at} [${app} #${run}] ${event.phase}: ${event.message}\n`);
      else if (event.type === "timeline" && !event.event.initial) {
        write(
          `${at} [${app} #${run}] ${event.event.kind} ${event.event.pod ?? event.event.owner ?? ""} ${event.event.detail ?? ""}\n`,
        );
      } else if (event.type === "failure") {
        const r = event.record;
        const detail = [
          r.status && `HTTP ${r.status}`,
          r.error,
          r.closeCode && `close ${r.closeCode}`,
          r.pod && `pod ${r.pod}`,
        ]
          .filter(Boolean)
          .join(", ");
        write(`${at} [${app} #${run}] FAILURE ${r.kind}: ${r.outcome}${detail ? ` (${detail})` : ""}\n`);
      } else if (event.type === "traffic" && ctx.options.verbose) {
        write(`${at} [${app} #${run}] traffic ${JSON.stringify(event.stats)}\n`);
      }
    },
  });
  for (const run of results) {
    if (json) {
      write(
        `${JSON.stringify({ type: "rollout-result", app: run.app, run: run.run, fault: run.fault, ok: run.result.ok, files: run.files, failures: run.result.analysis.failures.map((f) => ({ class: f.class, count: f.count, cause: f.cause })) })}\n`,
      );
    } else {
      write(
        `\n=== ${run.app} run ${run.run}${run.fault ? ` (fault ${run.fault})` : ""}\n${renderSummary(run.result.report)}reports: ${run.files.html} ${run.files.junit} ${run.files.json}\n`,
      );
    }
  }
  const passed = results.filter((r) => r.result.ok).length;
  if (!json) write(`\nkit rollout: ${passed}/${results.length} run(s) passed\n`);
  return passed === results.length ? 0 : 1;
}
