import { Box, Text } from "ink";
import type { StepRowView } from "../../view.ts";

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const COLORS = {
  pending: "gray",
  running: "cyan",
  succeeded: "green",
  failed: "red",
  skipped: "yellow",
} as const;

function ProgressBar({ fraction }: { fraction: number }) {
  const width = 12;
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return <Text color="cyan">{`[${"█".repeat(filled)}${"░".repeat(width - filled)}] `}</Text>;
}

/** StepList shows one row per step: state, title, elapsed time and a detail or progress bar. */
export function StepList({ rows, frame }: { rows: StepRowView[]; frame: number }) {
  const titleWidth = Math.min(36, Math.max(10, ...rows.map((r) => r.title.length)));
  return (
    <Box flexDirection="column">
      {rows.map((row) => (
        <Box key={row.id}>
          {/* The state, title and time keep their width; only the detail is cut to fit the line. */}
          <Box flexShrink={0}>
            <Text color={COLORS[row.status]}>
              {row.selected ? "❯ " : "  "}
              {row.status === "running" ? SPINNER[frame % SPINNER.length] : row.symbol}{" "}
            </Text>
            <Text bold={row.selected}>{row.title.padEnd(titleWidth).slice(0, titleWidth)} </Text>
            <Text color="gray">{row.elapsed.padStart(6)} </Text>
            {row.fraction === undefined ? null : <ProgressBar fraction={row.fraction} />}
          </Box>
          <Box flexShrink={1}>
            <Text color={row.status === "failed" ? "red" : "gray"} wrap="truncate-end">
              {row.detail}
            </Text>
          </Box>
        </Box>
      ))}
    </Box>
  );
}
