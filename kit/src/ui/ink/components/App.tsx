import { Box, Text, useInput, useStdout } from "ink";
import { type ReactNode, useState } from "react";
import type { PlanStore } from "../../../engine/state.ts";
import type { AppLogFeedState } from "../../app-logs.ts";
import { stateToView } from "../../view.ts";
import { useNow } from "../hooks/use-now.ts";
import { type SubscribableStore, usePlanState, useThrottledStore } from "../hooks/use-plan-state.ts";
import { AppLogPane } from "./AppLogPane.tsx";
import { LogPane } from "./LogPane.tsx";
import { Outputs } from "./Outputs.tsx";
import { StepList } from "./StepList.tsx";

/** AppProps connect the view to the engine: a store to read, callbacks for the keys. */
export interface AppProps {
  store: PlanStore;
  /** Asks the engine to run a failed step again (the view never runs anything itself). */
  onRetry?: (stepId: string) => void;
  /** Called when the user quits with q or Ctrl-C (the front end stops the plan or unmounts the view). */
  onQuit?: () => void;
  /** Whether key handling is active (false under ink-testing-library without stdin). */
  interactive?: boolean;
  /** Apps whose pod logs the l key follows, in order (none: no log key). */
  logApps?: string[];
  /** The followed app's log lines (fed by the engine's follower, see ui/app-logs.ts). */
  appLogs?: SubscribableStore<AppLogFeedState>;
  /** Asks to follow app's logs (undefined: stop and show step logs again). */
  onFollowLogs?: (app: string | undefined) => void;
  /** What quitting leaves behind, shown beside the q key (e.g. "the environment stays up"). */
  quitNote?: string;
  /** The front end is about to unmount: the last frame stays on the terminal without the keys. */
  closing?: boolean;
  /**
   * A live picture of the plan's work (a rollout's traffic and timeline), shown under the steps;
   * a step's logs then show only when the user selects one or a step failed.
   */
  panel?: ReactNode;
}

const NOT_FOLLOWING: AppLogFeedState = { status: "", lines: [] };
const NO_APP_LOGS: SubscribableStore<AppLogFeedState> = {
  getState: () => NOT_FOLLOWING,
  subscribe: () => () => undefined,
};

/** App is kit's terminal UI for any plan: steps, the selected step's logs, outputs, keys. */
export function App({
  store,
  onRetry,
  onQuit,
  interactive = true,
  logApps = [],
  appLogs = NO_APP_LOGS,
  onFollowLogs,
  quitNote,
  closing = false,
  panel,
}: AppProps) {
  const state = usePlanState(store);
  const feed = useThrottledStore(appLogs, 100);
  const canFollow = logApps.length > 0 && onFollowLogs !== undefined;
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const finished = state.finished !== undefined;
  const now = useNow(120, !finished);
  const { stdout } = useStdout();
  const paneLines = logPaneLines(stdout.rows, state.order.length, state.outputs.length);
  const view = stateToView(state, now, selectedId, paneLines);
  useInput(
    (input, key) => {
      const ids = view.rows.map((r) => r.id);
      const current = view.selected ? ids.indexOf(view.selected.id) : -1;
      // The feed's latest state, not the throttled render's: keys can come faster than frames.
      const following = appLogs.getState().app;
      const select = (id: string | undefined): void => {
        setSelectedId(id);
        if (following !== undefined) onFollowLogs?.(undefined);
      };
      if (key.downArrow || input === "j") select(ids[Math.min(ids.length - 1, current + 1)]);
      else if (key.upArrow || input === "k") select(ids[Math.max(0, current - 1)]);
      else if (input === "l" && canFollow) {
        // l walks through the apps, then back to the step logs.
        const next = following === undefined ? 0 : logApps.indexOf(following) + 1;
        onFollowLogs?.(logApps[next]);
      } else if (key.escape && following !== undefined) onFollowLogs?.(undefined);
      else if (input === "r" && finished && view.selected && onRetry) {
        // A retry runs after the plan has finished (the engine schedules one run at a time).
        const row = view.rows.find((r) => r.id === view.selected?.id);
        if (row?.status === "failed") onRetry(row.id);
      } else if (input === "q" || (key.ctrl && input === "c")) onQuit?.();
    },
    { isActive: interactive },
  );
  const frame = Math.floor(now / 120);
  return (
    <Box flexDirection="column">
      <Text bold>{`kit ${view.title}`}</Text>
      <StepList rows={view.rows} frame={frame} />
      {feed.app === undefined ? panel : null}
      {feed.app !== undefined ? (
        <AppLogPane feed={feed} lines={paneLines} />
      ) : view.selected && (!panel || selectedId !== undefined || view.counts.failed > 0) ? (
        <LogPane selected={view.selected} />
      ) : null}
      <Outputs outputs={view.outputs} />
      <Text color={view.finished ? (view.ok ? "green" : "red") : "gray"}>{view.footer}</Text>
      {interactive && !closing ? (
        <Text color="gray">
          {keyHelp({ finished, ok: view.ok, canFollow, following: feed.app, quitNote })}
        </Text>
      ) : null}
    </Box>
  );
}

/** keyHelp is the line of keys under the view. */
export function keyHelp(args: {
  finished: boolean;
  ok: boolean;
  canFollow: boolean;
  following?: string;
  quitNote?: string;
}): string {
  const logs = args.canFollow
    ? args.following
      ? "l next app's logs · esc step logs"
      : "l follow app logs"
    : undefined;
  const parts = args.finished
    ? [
        "↑/↓ step logs",
        logs,
        args.ok ? undefined : "r retry failed step",
        args.quitNote ? `q quit (${args.quitNote})` : "q quit",
      ]
    : ["↑/↓ step logs", logs, "q/Ctrl-C stop"];
  return parts.filter(Boolean).join(" · ");
}

/**
 * logPaneLines is how many log lines fit: the screen's rows less the title, step rows, outputs,
 * footer, keys and the pane's border (a frame taller than the screen scrolls and tears in Ink).
 */
export function logPaneLines(screenRows: number | undefined, steps: number, outputs: number): number {
  const fixed = 1 + steps + (outputs > 0 ? outputs + 1 : 0) + 2 + 3 + 1;
  return Math.max(3, Math.min(40, (screenRows || 40) - fixed));
}
