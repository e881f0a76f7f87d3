import { join } from "node:path";
import { type RolloutRun, runRollouts } from "../../plans/rollout.ts";
import { renderSummary } from "../../rollout/index.ts";
import { formatRolloutEvent } from "../../ui/plain/rollout-printer.ts";
import type { RolloutLiveStore } from "../../ui/rollout/live.ts";
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
  const json = ctx.frontEnd === "json";
  const write = (text: string): void => void process.stdout.write(text);
  const { RolloutLiveStore } = await import("../../ui/rollout/live.ts");
  const store = new RolloutLiveStore(runs);
  const ink = ctx.frontEnd === "ink" ? await mountRolloutView(store) : undefined;
  let results: RolloutRun[];
  try {
    results = await runRollouts({
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
        store.dispatch({ app, run, event });
        if (json) write(`${JSON.stringify({ app, run, ...event })}\n`);
        else if (!ink) {
          const line = formatRolloutEvent({ app, run, event }, ctx.options.verbose);
          if (line !== undefined) write(`${line}\n`);
        }
      },
      onRunFinished: (run) =>
        store.finishRun({
          app: run.app,
          run: run.run,
          ok: run.result.ok,
          causes: run.result.analysis.failures.map((f) => `${f.class} (${f.count})`),
        }),
    });
  } finally {
    await ink?.unmount();
  }
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

/** mountRolloutView shows the live Ink view of a rollout until unmount() (after the last frame). */
async function mountRolloutView(store: RolloutLiveStore): Promise<{ unmount: () => Promise<void> }> {
  const [{ render }, React, { RolloutApp }] = await Promise.all([
    import("ink"),
    import("react"),
    import("../../ui/ink/components/RolloutApp.tsx"),
  ]);
  const instance = render(React.createElement(RolloutApp, { store }), { exitOnCtrlC: false });
  return {
    unmount: async () => {
      // Let the last frame render (Ink throttles its writes), then give the terminal back.
      await new Promise((resolve) => setTimeout(resolve, 300));
      instance.unmount();
      await instance.waitUntilExit().catch(() => undefined);
    },
  };
}
