/**
 * kit dev brings the environment up as `kit up` does, with each app's pods running devrun (kit's
 * supervisor) from a folder on the kind nodes, then watches each app's source, chart and local
 * values. A save does the least that makes it live: code a host build carries (Go sources, Node's
 * src/) is built on the host and synced into that folder, and devrun starts it beside the old
 * process and swaps when it is ready (no image, no rollout, no failed request); a chart or values
 * change runs `kit up`'s plan with the image kept (helm upgrade); any other file of the app (go.mod,
 * package-lock.json, the Dockerfile) rebuilds the image. It prints what changed, what was done and
 * how long it took, until Ctrl-C. In a terminal the Ink view stays after the first run: each
 * apply's steps in the step list, the saves and what each did in a panel under them, `l` to follow
 * an app's logs, `q` to stop watching. Plain lines in CI and pipes, one JSON event per line with
 * --json. `kit up` afterwards puts the releases back on their images' own entrypoints.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { requireProjectFiles } from "../../config/project-files.ts";
import { type AppChange, watchedPaths } from "../../dev/changes.ts";
import { type DevApplied, type DevEvent, runDevLoop } from "../../dev/loop.ts";
import {
  appDevSyncStep,
  type DevSyncResult,
  type DevSyncTarget,
  syncLanguageOf,
} from "../../dev/sync/step.ts";
import { routeChanges } from "../../dev/sync/strategy.ts";
import { watchFiles } from "../../dev/watch.ts";
import type { EventSink } from "../../engine/events.ts";
import { definePlan, type Plan } from "../../engine/plan.ts";
import { type PlanResult, runPlan } from "../../engine/runner.ts";
import { openLocalEnvironment } from "../../environment/state.ts";
import { releaseLockWhenFinished } from "../../environment/steps.ts";
import { errorMessage } from "../../errors.ts";
import type { AppImage } from "../../images/apps.ts";
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
  const apps = selectApps(project.config, appArgs, "kit dev");
  const environment = openLocalEnvironment(project.environment.name, {
    command: "kit dev",
    checkout: project.root,
  });
  const endpoints = endpointsRecorder(project.root, environment);
  const deps = realUpDeps();
  // Every app kit can sync runs devrun, so a save a host build carries goes live without an image.
  const plan = (only?: string[], keepImages?: Record<string, AppImage>) =>
    upPlan(
      {
        config: project.config,
        root: project.root,
        environment,
        devSync: apps,
        localstackToken: project.overrides.localstackToken,
        databaseImage: project.overrides.databaseImage,
        ...(only ? { only } : {}),
        ...(keepImages ? { keepImages } : {}),
      },
      deps,
    );
  /** Where each app was last synced to (its nodes and image), from the last plan that synced it. */
  const targets = new Map<string, DevSyncTarget>();
  /** Each app's last image, kept when only its chart or values change. */
  const images = new Map<string, AppImage>();
  const remember = (result: PlanResult): void => {
    for (const app of apps) {
      const synced = result.results[`sync:${app}`] as DevSyncResult | undefined;
      if (synced) targets.set(app, synced.target);
      const image = result.results[`image:${app}`] as AppImage | undefined;
      if (image) images.set(app, image);
    }
  };
  /** syncPlan is the sync steps alone, for saves a host build carries: about a second, no image. */
  const syncPlan = (only: string[]): Plan =>
    definePlan(
      "dev-sync",
      only.flatMap((app) => {
        const step = appDevSyncStep({
          config: project.config,
          root: project.root,
          environmentDir: environment.dir,
          app,
          needs: [],
          target: () => targets.get(app) as DevSyncTarget,
          deps: deps.devSync,
        });
        // No environment lock: it only touches the app's folder on the nodes, which kit dev owns.
        return step ? [step] : [];
      }),
    );
  const languages = new Map(apps.map((app) => [app, syncLanguageOf(project.config, project.root, app)]));

  const print = (event: DevEvent): void => {
    process.stdout.write(ctx.frontEnd === "json" ? `${JSON.stringify(event)}\n` : formatDevEvent(event));
  };
  const releaseLock = releaseLockWhenFinished(environment.lock);
  /** apply runs kit up's plan for the changed apps; view, when given, is the Ink view's sink. */
  const applyFor =
    (view: EventSink | undefined) =>
    async (changes: AppChange[], signal: AbortSignal): Promise<DevApplied> => {
      const actions: string[] = [];
      const failures: string[] = [];
      const route = routeChanges(
        changes,
        (app) => ({
          path: project.config.apps[app]?.path ?? app,
          language: languages.get(app),
          syncing: targets.has(app),
        }),
        (file) => existsSync(join(project.root, file)),
      );
      // Any app that needs its image or release takes the up plan, which also syncs the others.
      // Saves a host build carries are synced first (about a second); apps that need their image
      // or release then take the up plan, which syncs them too.
      const kept = Object.fromEntries(
        route.release.flatMap((app) => {
          const image = images.get(app);
          return image ? [[app, image] as const] : [];
        }),
      );
      const upApps = [...route.release, ...route.rebuild];
      const plans = [
        ...(route.sync.length > 0 ? [syncPlan(route.sync)] : []),
        ...(upApps.length > 0 ? [plan(upApps, kept)] : []),
      ];
      let ok = true;
      for (const next of plans) {
        const result = await runPlan(next, {
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
        remember(result);
        ok &&= result.ok;
        if (signal.aborted) break;
      }
      await endpoints.write().catch((err: unknown) => failures.push(`endpoints: ${errorMessage(err)}`));
      return ok ? { ok: true, actions } : { ok: false, actions, error: failures.join("; ") || "cancelled" };
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
          whileHeld: ({ sink, signal, result }) => {
            remember(result);
            return watch(sink, live.dispatch, signal);
          },
        }
      : {}),
  });
  await endpoints.write();
  remember(first);
  if (first.cancelled) return 130;
  if (!first.ok) return 1;
  if (live) return ctx.signal.aborted ? 130 : 0;

  await watch(undefined, print, ctx.signal);
  return 130;
}
