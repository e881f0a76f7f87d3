/**
 * kit dev brings the environment up as `kit up` does, then watches each app's source, chart and
 * local values: a save runs `kit up`'s own plan for the apps it touched (the image rebuilt only
 * when its sources changed, the release upgraded only when its image or values did), and prints
 * what changed, what was done and how long it took, until Ctrl-C. In a terminal the Ink view
 * stays after the first run: each apply's steps in the step list, the saves and what each did in a
 * panel under them, `l` to follow an app's logs, `q` to stop watching. Plain lines in CI and pipes,
 * one JSON event per line with --json.
 */
import { requireProjectFiles } from "../../config/project-files.ts";
import { watchedPaths } from "../../dev/changes.ts";
import { type DevApplied, type DevEvent, runDevLoop } from "../../dev/loop.ts";
import { watchFiles } from "../../dev/watch.ts";
import type { EventSink } from "../../engine/events.ts";
import { runPlan } from "../../engine/runner.ts";
import { openLocalEnvironment } from "../../environment/state.ts";
import { releaseLockWhenFinished } from "../../environment/steps.ts";
import { errorMessage } from "../../errors.ts";
import { appLogSource } from "../../plans/app-logs.ts";
import { endpointsRecorder } from "../../plans/endpoints.ts";
import { runsEveryTime, selectApps, upPlan } from "../../plans/up.ts";
import { realUpDeps } from "../../plans/up-deps.ts";
import { DevLiveStore } from "../../ui/dev/live.ts";
import { runUnderFrontEnd } from "../../ui/index.ts";
import { type CommandContext, loadProject } from "../context.ts";

/** formatDevEvent is kit dev's plain line for an event. */
export function formatDevEvent(event: DevEvent): string {
  const clock = new Date(event.time).toISOString().slice(11, 19);
  switch (event.type) {
    case "dev-watching":
      return `${clock} watching ${event.apps.join(", ")} (${event.paths.length} paths); save a file to redeploy, Ctrl-C to stop\n`;
    case "dev-change":
      return event.changes
        .map(
          (c) =>
            `${clock} ${c.app}: ${c.kinds.join("+")} changed (${c.files.slice(0, 3).join(", ")}${c.files.length > 3 ? `, +${c.files.length - 3}` : ""})\n`,
        )
        .join("");
    case "dev-applied": {
      const took = `${(event.ms / 1000).toFixed(1)} s`;
      if (!event.ok)
        return `${clock} ${event.apps.join(", ")}: failed after ${took}: ${event.error ?? "see above"}\n`;
      const done =
        event.actions.length > 0
          ? event.actions.join("; ")
          : "nothing to do (the image and values are unchanged)";
      return `${clock} ${event.apps.join(", ")}: live in ${took}: ${done}\n`;
    }
  }
}

/** runDev runs kit dev and returns the exit code. */
export async function runDev(ctx: CommandContext, appArgs: string[]): Promise<number> {
  const project = await loadProject(ctx.options);
  requireProjectFiles(project.config, project.root, project.configPath);
  const apps = selectApps(project.config, appArgs);
  const environment = openLocalEnvironment(project.environment.name, {
    command: "kit dev",
    checkout: project.root,
  });
  const endpoints = endpointsRecorder(project.root, environment);
  const deps = realUpDeps();
  const plan = (only?: string[]) =>
    upPlan({ config: project.config, root: project.root, environment, ...(only ? { only } : {}) }, deps);

  const print = (event: DevEvent): void => {
    process.stdout.write(ctx.frontEnd === "json" ? `${JSON.stringify(event)}\n` : formatDevEvent(event));
  };
  const releaseLock = releaseLockWhenFinished(environment.lock);
  /** apply runs kit up's plan for the changed apps; view, when given, is the Ink view's sink. */
  const applyFor =
    (view: EventSink | undefined) =>
    async (changed: string[], signal: AbortSignal): Promise<DevApplied> => {
      const actions: string[] = [];
      const failures: string[] = [];
      const result = await runPlan(plan(changed), {
        signal,
        sink: (event) => {
          view?.(event);
          endpoints.sink(event);
          releaseLock(event);
          if (event.type === "step-succeeded" && event.changed && !runsEveryTime(event.step))
            actions.push(`${event.step}: ${event.summary ?? "done"}`);
          if (event.type === "step-failed") failures.push(`${event.step}: ${event.error.message}`);
          if (!view && ctx.options.verbose && event.type === "step-log")
            process.stdout.write(`  ${event.step}: ${event.line}\n`);
        },
      });
      await endpoints.write().catch((err: unknown) => failures.push(`endpoints: ${errorMessage(err)}`));
      return result.ok
        ? { ok: true, actions }
        : { ok: false, actions, error: failures.join("; ") || "cancelled" };
    };
  const watch = (view: EventSink | undefined, onEvent: (event: DevEvent) => void, signal: AbortSignal) =>
    runDevLoop({
      root: project.root,
      watched: watchedPaths(project.config, project.root, apps),
      watch: watchFiles,
      apply: applyFor(view),
      onEvent,
      signal,
    });

  // In a terminal the Ink view stays and the watch runs inside it until q.
  const live = ctx.frontEnd === "ink" ? new DevLiveStore() : undefined;
  const first = await runUnderFrontEnd(plan(), {
    frontEnd: ctx.frontEnd,
    signal: ctx.signal,
    cancel: ctx.cancel,
    verbose: ctx.options.verbose,
    hold: "never",
    quitNote: "stops watching; the environment stays up",
    appLogs: appLogSource(project.config),
    sinks: [endpoints.sink, releaseLockWhenFinished(environment.lock)],
    ...(live
      ? {
          panel: { kind: "dev" as const, store: live },
          whileHeld: ({ sink, signal }) => watch(sink, live.dispatch, signal),
        }
      : {}),
  });
  await endpoints.write();
  if (first.cancelled) return 130;
  if (!first.ok) return 1;
  if (live) return ctx.signal.aborted ? 130 : 0;

  await watch(undefined, print, ctx.signal);
  return 130;
}
