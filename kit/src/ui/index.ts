/**
 * ui picks a front end and runs a plan under it. Every front end only subscribes to engine
 * events: the Ink view (a TTY), plain lines (CI, pipes, --plain) or JSON lines (--json).
 */
import type { EventSink } from "../engine/events.ts";
import type { Plan } from "../engine/plan.ts";
import { type PlanResult, PlanRun } from "../engine/runner.ts";
import { PlanStore } from "../engine/state.ts";
import type { AppLogSource } from "../plans/app-logs.ts";
import type { ApprovalBroker } from "./approval.ts";
import type { DevLiveStore } from "./dev/live.ts";
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
  /**
   * When the Ink view stays after the plan ends, until the user quits: never, after a failure
   * (to retry), or always (kit up: to follow app logs; like \`tilt up\`). Default never.
   */
  hold?: "never" | "on-failure" | "always";
  /** What quitting leaves behind, shown beside the q key (e.g. "the environment stays up"). */
  quitNote?: string;
  /** Apps whose pod logs the Ink view's l key follows. */
  appLogs?: AppLogSource;
  /**
   * A live panel under the steps in the Ink view: a rollout's traffic and timeline (runs per app),
   * or kit dev's saves and what each did.
   */
  panel?: { kind: "rollout"; runs: number } | { kind: "dev"; store: DevLiveStore };
  /**
   * Work that goes on in the Ink view after the plan succeeded, while the view stays (kit dev's
   * watch): it gets the view's sink, so the plans it runs show in the step list, and a signal that
   * aborts when the user quits (q, Ctrl-C). It should resolve soon after. Ink view only: the other
   * front ends return when the plan ends and the command goes on by itself.
   */
  whileHeld?: (io: { sink: EventSink; signal: AbortSignal; result: PlanResult }) => Promise<void>;
  /** Questions the plan asks a person (kit promote's plan approval), answered in the Ink view. */
  approvals?: ApprovalBroker;
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

  const [{ render }, React, { App }, { flushThrottledStores }, { AppLogFeed, AppLogFollower }, panel] =
    await Promise.all([
      import("ink"),
      import("react"),
      import("./ink/components/App.tsx"),
      import("./ink/hooks/use-plan-state.ts"),
      import("./app-logs.ts"),
      options.panel || options.approvals ? livePanel(options) : undefined,
    ]);
  if (panel?.sink) sinks.push(panel.sink);
  const feed = new AppLogFeed();
  const follower = options.appLogs ? new AppLogFollower(feed, options.appLogs) : undefined;
  let result: PlanResult | undefined;
  let quitAfterFinish: () => void = () => undefined;
  const quitRequested = new Promise<void>((resolve) => {
    quitAfterFinish = resolve;
  });
  let retrying: Promise<PlanResult> | undefined;
  let holding = false;
  const appProps = (closing: boolean) => ({
    store,
    panel: panel?.element,
    closing,
    quitNote: options.quitNote,
    logApps: follower?.apps,
    appLogs: feed,
    onFollowLogs: follower ? (app: string | undefined) => follower.follow(app) : undefined,
    onQuit: () => {
      // Quitting while steps run (the first run or a retry) stops them; after that it only leaves.
      if (result === undefined || retrying) options.cancel();
      if (result !== undefined) quitAfterFinish();
    },
    onRetry: (stepId: string) => {
      // While held work runs (kit dev), its own runs fill the step list: r would retry another run.
      if (result === undefined || retrying || holding) return;
      retrying = planRun.retry(stepId).then((r) => {
        result = r;
        retrying = undefined;
        return r;
      });
    },
  });
  const instance = render(React.createElement(App, appProps(false)), { exitOnCtrlC: false });
  result = await planRun.run();
  const hold = options.hold ?? "never";
  if (!result.cancelled && result.ok && options.whileHeld) {
    const session = new AbortController();
    const stop = (): void => session.abort();
    options.signal.addEventListener("abort", stop, { once: true });
    void quitRequested.then(stop);
    holding = true;
    try {
      await options.whileHeld({ sink: store.dispatch, signal: session.signal, result });
    } finally {
      options.signal.removeEventListener("abort", stop);
    }
  } else if (!result.cancelled && (hold === "always" || (hold === "on-failure" && !result.ok))) {
    await quitRequested;
    if (retrying) result = await retrying;
  }
  follower?.stop();
  // The last frame stays on the terminal: every store's held-back state drawn, without the key
  // help. Ink renders synchronously and its unmount writes the frame it has not written yet.
  flushThrottledStores();
  instance.rerender(React.createElement(App, appProps(true)));
  instance.unmount();
  await instance.waitUntilExit().catch(() => undefined);
  return result;
}

/** livePanel makes the Ink panel under the steps (an approval prompt, a rollout, kit dev) and its sink. */
async function livePanel(options: RunUnderFrontEndOptions) {
  const [React, { RolloutApp }, { ApprovalPrompt }, { DevPanel }, { RolloutLiveStore }] = await Promise.all([
    import("react"),
    import("./ink/components/RolloutApp.tsx"),
    import("./ink/components/ApprovalPrompt.tsx"),
    import("./ink/components/DevPanel.tsx"),
    import("./rollout/live.ts"),
  ]);
  const panel = options.panel;
  const rollout = panel?.kind === "rollout" ? new RolloutLiveStore(panel.runs) : undefined;
  const element = React.createElement(
    React.Fragment,
    null,
    options.approvals ? React.createElement(ApprovalPrompt, { broker: options.approvals }) : null,
    rollout ? React.createElement(RolloutApp, { store: rollout }) : null,
    panel?.kind === "dev" ? React.createElement(DevPanel, { store: panel.store }) : null,
  );
  return { sink: rollout?.dispatch, element };
}
