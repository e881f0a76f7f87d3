import { Box, Text, useApp, useInput } from "ink";
import { useState } from "react";
import type { PlanStore } from "../../../engine/state.ts";
import { stateToView } from "../../view.ts";
import { useNow } from "../hooks/use-now.ts";
import { usePlanState } from "../hooks/use-plan-state.ts";
import { LogPane } from "./LogPane.tsx";
import { Outputs } from "./Outputs.tsx";
import { StepList } from "./StepList.tsx";

/** AppProps connect the view to the engine: a store to read, callbacks for the keys. */
export interface AppProps {
  store: PlanStore;
  /** Asks the engine to run a failed step again (the view never runs anything itself). */
  onRetry?: (stepId: string) => void;
  /** Called when the user quits with q or Ctrl-C. */
  onQuit?: () => void;
  /** Whether key handling is active (false under ink-testing-library without stdin). */
  interactive?: boolean;
}

/** App is kit's terminal UI for any plan: steps, the selected step's logs, outputs, keys. */
export function App({ store, onRetry, onQuit, interactive = true }: AppProps) {
  const state = usePlanState(store);
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const finished = state.finished !== undefined;
  const now = useNow(120, !finished);
  const view = stateToView(state, now, selectedId);
  const { exit } = useApp();
  useInput(
    (input, key) => {
      const ids = view.rows.map((r) => r.id);
      const current = view.selected ? ids.indexOf(view.selected.id) : -1;
      if (key.downArrow || input === "j") setSelectedId(ids[Math.min(ids.length - 1, current + 1)]);
      else if (key.upArrow || input === "k") setSelectedId(ids[Math.max(0, current - 1)]);
      else if (input === "r" && view.selected && onRetry) {
        const row = view.rows.find((r) => r.id === view.selected?.id);
        if (row?.status === "failed") onRetry(row.id);
      } else if (input === "q" || (key.ctrl && input === "c")) {
        onQuit?.();
        if (finished) exit();
      }
    },
    { isActive: interactive },
  );
  const frame = Math.floor(now / 120);
  return (
    <Box flexDirection="column">
      <Text bold>{`kit ${view.title}`}</Text>
      <StepList rows={view.rows} frame={frame} />
      {view.selected ? <LogPane selected={view.selected} /> : null}
      <Outputs outputs={view.outputs} />
      <Text color={view.finished ? (view.ok ? "green" : "red") : "gray"}>{view.footer}</Text>
      {interactive ? (
        <Text color="gray">
          {finished
            ? "↑/↓ select · r retry failed step · q quit"
            : "↑/↓ select step · r retry failed step · q/Ctrl-C stop"}
        </Text>
      ) : null}
    </Box>
  );
}
