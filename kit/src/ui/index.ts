/**
 * ui picks a front end and runs a plan under it. Every front end only subscribes to engine
 * events: the Ink view (a TTY), plain lines (CI, pipes, --plain) or JSON lines (--json).
 */
import type { EventSink } from "../engine/events.ts";
import type { Plan } from "../engine/plan.ts";
import { type PlanResult, PlanRun } from "../engine/runner.ts";
import { PlanStore } from "../engine/state.ts";
import { createJsonPrinter } from "./json/printer.ts";
import { createPlainPrinter } from "./plain/printer.ts";

/** FrontEndKind names the three front ends. */
export type FrontEndKind = "ink" | "plain" | "json";

/** chooseFrontEnd: --json wins, then --plain, then CI or a non-TTY stdout mean plain; else Ink. */
export function chooseFrontEnd(options: {
  json?: boolean;
  plain?: boolean;
  isTTY: boolean;
  env?: NodeJS.ProcessEnv;
}): FrontEndKind {
  const env = options.env ?? process.env;
  if (options.json) return "json";
  if (options.plain || env.KIT_PLAIN === "1") return "plain";
  if (env.CI && env.CI !== "false" && env.CI !== "0") return "plain";
  if (!options.isTTY || env.TERM === "dumb") return "plain";
  return "ink";
}

/** RunUnderFrontEndOptions say how to show a plan run. */
export interface RunUnderFrontEndOptions {
  frontEnd: FrontEndKind;
  signal: AbortSignal;
  /** Cancels the plan (the Ink view's q / Ctrl-C while running call it). */
  cancel: () => void;
  verbose?: boolean;
  /** Extra sinks (e.g. a state file writer). */
  sinks?: EventSink[];
  concurrency?: number;
  /** In the Ink view, keep the screen after a failure until the user quits (allows retry). */
  holdOnFailure?: boolean;
}

/** runUnderFrontEnd runs plan, showing it with the chosen front end, and returns how it ended. */
export async function runUnderFrontEnd(plan: Plan, options: RunUnderFrontEndOptions): Promise<PlanResult> {
  const store = new PlanStore();
  const sinks: EventSink[] = [store.dispatch, ...(options.sinks ?? [])];
  if (options.frontEnd === "json") sinks.push(createJsonPrinter((t) => process.stdout.write(t)));
  if (options.frontEnd === "plain") {
    sinks.push(createPlainPrinter({ write: (t) => process.stdout.write(t), verbose: options.verbose }));
  }
  const planRun = new PlanRun(plan, {
    sink: (event) => {
      for (const sink of sinks) sink(event);
    },
    signal: options.signal,
    concurrency: options.concurrency,
  });
  if (options.frontEnd !== "ink") return planRun.run();

  const [{ render }, React, { App }] = await Promise.all([
    import("ink"),
    import("react"),
    import("./ink/components/App.tsx"),
  ]);
  let result: PlanResult | undefined;
  let quitAfterFinish: () => void = () => undefined;
  const quitRequested = new Promise<void>((resolve) => {
    quitAfterFinish = resolve;
  });
  let retrying: Promise<PlanResult> | undefined;
  const instance = render(
    React.createElement(App, {
      store,
      onQuit: () => {
        if (result === undefined) options.cancel();
        else quitAfterFinish();
      },
      onRetry: (stepId: string) => {
        if (result === undefined || retrying) return;
        retrying = planRun.retry(stepId).then((r) => {
          result = r;
          retrying = undefined;
          return r;
        });
      },
    }),
    { exitOnCtrlC: false },
  );
  result = await planRun.run();
  if (!result.ok && !result.cancelled && options.holdOnFailure) {
    await quitRequested;
    if (retrying) result = await retrying;
  }
  // Let the last frame render before unmounting (Ink throttles its writes to the terminal).
  await new Promise((resolve) => setTimeout(resolve, 250));
  instance.unmount();
  await instance.waitUntilExit().catch(() => undefined);
  return result;
}
