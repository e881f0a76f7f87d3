/**
 * step is `sync:<app>`, the step that makes an app's current sources live under `kit dev`
 * without a new image: it builds the app (and devrun) on the host, copies the build into the
 * folder the pods run it from on each kind node, bumps the generation devrun polls, and waits
 * until every pod serves it (devrun starts the new code beside the old and swaps when it is
 * ready, so no request fails). The generation is a hash of the sources, so a re-run with nothing
 * saved finds it on the nodes and does nothing. `kit up --only` runs it in the up plan before the
 * release (which then runs devrun); `kit dev` runs it alone on each save that a host build carries.
 */
import { readdirSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { KitConfig } from "../../config/schema.ts";
import type { Step, StepContext, StepLink } from "../../engine/plan.ts";
import { UserError } from "../../errors.ts";
import { inputsHash } from "../../hash.ts";
import { type Clock, done, notYet, waitUntil } from "../../wait.ts";
import { type AppBuildRequest, type AppDescribeRequest, type BuiltApp, DEVRUN_DIR } from "./build.ts";
import { type DevSyncNodes, type ServedState, servedState } from "./nodes.ts";
import { languageOf, type SyncLanguage } from "./strategy.ts";

/** DevSyncResult is what the release needs to run devrun: where the build is and what to run. */
export interface DevSyncResult extends BuiltApp {
  /** The folder on each node (the chart's devSync.hostPath). */
  hostPath: string;
  generation: string;
  /** Where it was synced to: `kit dev` syncs later saves there without the up plan. */
  target: DevSyncTarget;
  /** When this run synced: the host build's and the slowest pod's swap time. */
  timings?: { buildMs: number; swapMs: number };
}

/** DevSyncDeps are what the step acts through; tests pass fakes. */
export interface DevSyncDeps {
  nodes: DevSyncNodes;
  buildApp(req: AppBuildRequest): Promise<BuiltApp>;
  /** What devrun runs for the app's build, without building it. */
  describeApp(req: AppDescribeRequest): Promise<BuiltApp>;
  buildDevrun(staging: string, signal?: AbortSignal): Promise<void>;
  /** A hash of the app's sources (the image's source hash). */
  sourceHash(appDir: string): Promise<string>;
  /** The app image's entrypoint and working folder. */
  inspectImage(ref: string, signal?: AbortSignal): Promise<{ entrypoint: string[]; workdir: string }>;
  clock: Clock;
}

/** DevSyncTarget is where the step runs: the cluster's node containers and the app's image. */
export interface DevSyncTarget {
  nodes: string[];
  imageRef: string;
}

/** DEVRUN_SERVE_TIMEOUT_MS bounds the wait for every pod to serve a generation. */
export const DEVRUN_SERVE_TIMEOUT_MS = 90_000;

/** nodeFolder is the folder on each node that an app's pods run from. */
export const nodeFolder = (app: string): string => `/kit-dev/${app}`;

async function devrunSourcesHash(devrunDir: string): Promise<string> {
  const files = (await readdir(devrunDir)).filter((f) => f.endsWith(".go") && !f.endsWith("_test.go")).sort();
  const sources: Record<string, string> = {};
  for (const f of files) sources[f] = await readFile(join(devrunDir, f), "utf8");
  return inputsHash(sources);
}

/** devSyncStep builds the step for one app. */
export function devSyncStep(args: {
  app: string;
  appDir: string;
  language: SyncLanguage;
  devrunDir: string;
  /** The host folder builds are staged in (under the environment's folder). */
  staging: string;
  target(ctx: StepContext): DevSyncTarget;
  needs: StepLink[];
  deps: DevSyncDeps;
}): Step<DevSyncResult> {
  const { app, deps } = args;
  const hostPath = nodeFolder(app);
  const generationOf = async (): Promise<string> =>
    inputsHash({ app: await deps.sourceHash(args.appDir), devrun: await devrunSourcesHash(args.devrunDir) });
  const build = async (ctx: StepContext, target: DevSyncTarget): Promise<BuiltApp> =>
    deps.buildApp({
      language: args.language,
      name: app,
      appDir: args.appDir,
      staging: args.staging,
      image: await deps.inspectImage(target.imageRef, ctx.signal),
      signal: ctx.signal,
      onLine: (line) => ctx.log(line),
    });

  return {
    id: `sync:${app}`,
    title: `${app} live sync`,
    needs: args.needs,
    async check(ctx) {
      const target = args.target(ctx);
      const generation = await generationOf();
      const stamps = await deps.nodes.stamps(target.nodes, hostPath, ctx.signal);
      if (stamps.length === 0 || stamps.some((s) => s !== generation)) return { satisfied: false };
      // The build on the nodes is current: the release needs only what devrun runs.
      const built = await deps.describeApp({
        language: args.language,
        name: app,
        appDir: args.appDir,
        image: await deps.inspectImage(target.imageRef, ctx.signal),
      });
      return {
        satisfied: true,
        value: { ...built, hostPath, generation, target },
        summary: `generation ${generation} live`,
      };
    },
    async apply(ctx) {
      const target = args.target(ctx);
      const generation = await generationOf();
      const started = deps.clock.now();
      await deps.buildDevrun(args.staging, ctx.signal);
      const built = await build(ctx, target);
      const builtMs = deps.clock.now() - started;
      await deps.nodes.publish(target.nodes, hostPath, args.staging, generation, ctx.signal);
      ctx.log(`built in ${builtMs} ms, copied to ${target.nodes.length} node(s); generation ${generation}`);
      const end = await waitUntil<Exclude<ServedState, { state: "pending" }>>({
        what: `${app}'s pods to serve generation ${generation}`,
        timeoutMs: DEVRUN_SERVE_TIMEOUT_MS,
        intervalMs: 50,
        signal: ctx.signal,
        clock: deps.clock,
        hint: `See the app's output with \`kit logs ${app}\`.`,
        async check(signal) {
          const state = servedState(
            await deps.nodes.statuses(target.nodes, hostPath, signal),
            generation,
            deps.clock.now(),
          );
          // "no-pods": none runs devrun yet (the release is about to start them), nothing to wait for.
          return state.state === "pending"
            ? notYet(`waiting for ${state.waitingFor.join(", ")}`)
            : done(state);
        },
      });
      if (end.state === "failed")
        throw new UserError(`${app}'s new code did not start in pod ${end.pod}: ${end.error}`, {
          hint: `The pods keep serving the previous code. Fix the error (kit logs ${app} shows the app's output) and save again.`,
        });
      if (end.state === "serving") ctx.log(`${end.pods} pod(s) serve it (swap ${end.swapMs} ms)`);
      const swapMs = end.state === "serving" ? end.swapMs : 0;
      return { ...built, hostPath, generation, target, timings: { buildMs: builtMs, swapMs } };
    },
    summarize: (r) =>
      `generation ${r.generation} serving${r.timings ? ` (build ${r.timings.buildMs} ms, swap ${r.timings.swapMs} ms)` : ""}`,
  };
}

/** devSyncValues are the chart values that make the release run devrun from the synced folder. */
export function devSyncValues(
  result: Pick<DevSyncResult, "hostPath" | "command" | "subPathMounts" | "env">,
): Record<string, string> {
  const values: Record<string, string> = {
    "service.devSync.enabled": "true",
    "service.devSync.hostPath": result.hostPath,
  };
  result.command.forEach((part, i) => {
    values[`service.devSync.command[${i}]`] = part;
  });
  result.subPathMounts.forEach((m, i) => {
    values[`service.devSync.subPathMounts[${i}].subPath`] = m.subPath;
    values[`service.devSync.subPathMounts[${i}].mountPath`] = m.mountPath;
  });
  result.env.forEach((v, i) => {
    values[`service.devSync.env[${i}].name`] = v.name;
    values[`service.devSync.env[${i}].value`] = v.value;
  });
  return values;
}

/** syncLanguageOf is the language kit syncs an app as, or undefined when it cannot (not kind; not Go or Node). */
export function syncLanguageOf(
  config: Pick<KitConfig, "apps" | "cluster">,
  root: string,
  app: string,
): SyncLanguage | undefined {
  const spec = config.apps[app];
  if (!spec || config.cluster.provider !== "kind") return undefined;
  return languageOf(readdirSync(join(root, spec.path)));
}

/** appDevSyncStep is `sync:<app>` for an app of the project, or undefined when kit cannot sync it. */
export function appDevSyncStep(args: {
  config: Pick<KitConfig, "apps" | "cluster">;
  root: string;
  /** The environment's folder (LocalEnvironment.dir); builds are staged under dev/<app>. */
  environmentDir: string;
  app: string;
  needs: StepLink[];
  target(ctx: StepContext): DevSyncTarget;
  deps: DevSyncDeps;
}): Step<DevSyncResult> | undefined {
  const language = syncLanguageOf(args.config, args.root, args.app);
  const spec = args.config.apps[args.app];
  if (!language || !spec) return undefined;
  return devSyncStep({
    app: args.app,
    appDir: join(args.root, spec.path),
    language,
    devrunDir: DEVRUN_DIR,
    staging: join(args.environmentDir, "dev", args.app),
    needs: args.needs,
    target: args.target,
    deps: args.deps,
  });
}
