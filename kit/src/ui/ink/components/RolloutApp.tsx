import { Box, Text } from "ink";
import { type RolloutLiveStore, rolloutToView } from "../../rollout/live.ts";
import { useNow } from "../hooks/use-now.ts";
import { useThrottledStore } from "../hooks/use-plan-state.ts";

const num = (n: number, width = 8): string => String(n).padStart(width);

/**
 * RolloutApp is kit rollout's live view: the run and its phase, traffic counts per probe kind,
 * failures as they happen, the rollout's timeline, and each finished run's verdict.
 */
export function RolloutApp({ store, active = true }: { store: RolloutLiveStore; active?: boolean }) {
  const state = useThrottledStore(store, 200);
  const now = useNow(500, active);
  const view = rolloutToView(state, now);
  return (
    <Box flexDirection="column">
      <Text bold>{view.title}</Text>
      {view.phase ? <Text color="cyan">{view.phase}</Text> : null}
      <Box flexDirection="column" marginTop={1}>
        <Text color="gray">{`${"traffic".padEnd(12)}${["started", "ok", "failed", "open"].map((h) => h.padStart(8)).join("")}`}</Text>
        {view.traffic.map((row) => (
          <Text key={row.kind}>
            {row.kind.padEnd(12)}
            {num(row.started)}
            <Text color="green">{num(row.ok)}</Text>
            <Text color={row.failed > 0 ? "red" : undefined}>{num(row.failed)}</Text>
            {num(row.open)}
          </Text>
        ))}
      </Box>
      {view.failures.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          <Text color="red" bold>
            failures
          </Text>
          {view.failures.map((f) => (
            <Text key={f.what} color="red">{`${num(f.count, 6)}  ${f.what}`}</Text>
          ))}
        </Box>
      ) : null}
      <Box flexDirection="column" marginTop={1} borderStyle="round" borderColor="gray" paddingX={1}>
        <Text bold>timeline</Text>
        {view.timeline.length === 0 ? <Text color="gray">(nothing yet)</Text> : null}
        {view.timeline.map((e, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a rolling tail; position is identity.
          <Text key={`t${i}`} wrap="truncate-end">
            <Text color="gray">{e.at.padStart(8)} </Text>
            {e.text}
          </Text>
        ))}
      </Box>
      {view.finished.map((r) => (
        <Text key={r.label} color={r.ok ? "green" : "red"}>
          {`${r.ok ? "✓" : "✗"} ${r.label}${r.ok ? " passed" : ` failed: ${r.causes}`}`}
        </Text>
      ))}
    </Box>
  );
}
