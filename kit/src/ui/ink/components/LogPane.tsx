import { Box, Text } from "ink";
import type { PlanView } from "../../view.ts";

/** LogPane shows the selected step's last log lines, or its error with command, output and hint. */
export function LogPane({ selected }: { selected: NonNullable<PlanView["selected"]> }) {
  const { error } = selected;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={error ? "red" : "gray"} paddingX={1}>
      <Text bold>{`logs: ${selected.title}`}</Text>
      {error ? (
        <>
          <Text color="red">{`error: ${error.message}`}</Text>
          {error.command ? <Text color="gray">{`command: ${error.command}`}</Text> : null}
          {(error.outputTail ?? []).slice(-8).map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed tail of lines; position is identity.
            <Text key={`o${i}`} color="gray" wrap="truncate-end">{`| ${line}`}</Text>
          ))}
          {error.hint ? <Text color="yellow">{`hint: ${error.hint}`}</Text> : null}
        </>
      ) : selected.logs.length === 0 ? (
        <Text color="gray">(no output yet)</Text>
      ) : (
        selected.logs.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a rolling tail of lines; position is identity.
          <Text key={`l${i}`} wrap="truncate-end">
            {line}
          </Text>
        ))
      )}
    </Box>
  );
}
