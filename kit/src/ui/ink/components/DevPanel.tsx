import { Box, Text } from "ink";
import { type DevLiveStore, devToView } from "../../dev/live.ts";
import { useNow } from "../hooks/use-now.ts";
import { useThrottledStore } from "../hooks/use-plan-state.ts";

const COLOR = { applying: "yellow", live: "green", failed: "red" } as const;
const MARK = { applying: "…", live: "✓", failed: "✗" } as const;

/** DevPanel is kit dev's live view under the steps: the watch, then each save and what it did. */
export function DevPanel({ store, active = true }: { store: DevLiveStore; active?: boolean }) {
  const state = useThrottledStore(store, 100);
  const applying = state.batches.some((b) => b.status === "applying");
  const now = useNow(200, active && applying);
  const view = devToView(state, now);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text color="cyan">{view.watching}</Text>
      {view.rows.map((row) => (
        <Text key={row.key} wrap="truncate-end">
          <Text color="gray">{`${row.clock} `}</Text>
          <Text color={COLOR[row.status]}>{`${MARK[row.status]} `}</Text>
          {`${row.what}  `}
          <Text color={COLOR[row.status]}>{row.result}</Text>
        </Text>
      ))}
    </Box>
  );
}
