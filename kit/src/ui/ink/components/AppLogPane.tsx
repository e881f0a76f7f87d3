import { Box, Text } from "ink";
import type { AppLogFeedState } from "../../app-logs.ts";
import { printable } from "../../view.ts";

/** AppLogPane shows the followed app's last pod log lines (`pod | line`) and what the follower does. */
export function AppLogPane({ feed, lines = 12 }: { feed: AppLogFeedState; lines?: number }) {
  const tail = feed.lines.slice(-lines);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold>
        {`logs: ${feed.app ?? ""} pods`}
        <Text color="gray">{feed.status ? ` · ${printable(feed.status)}` : ""}</Text>
      </Text>
      {tail.length === 0 ? (
        <Text color="gray">(no log lines yet)</Text>
      ) : (
        tail.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a rolling tail of lines; position is identity.
          <Text key={`a${i}`} wrap="truncate-end">
            {printable(line)}
          </Text>
        ))
      )}
    </Box>
  );
}
