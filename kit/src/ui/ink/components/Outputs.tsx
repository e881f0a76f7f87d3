import { Box, Text } from "ink";

/** Outputs lists the plan's endpoints and other results (URLs, contexts, connection strings). */
export function Outputs({ outputs }: { outputs: { label: string; value: string }[] }) {
  if (outputs.length === 0) return null;
  const width = Math.max(...outputs.map((o) => o.label.length));
  return (
    <Box flexDirection="column" marginTop={1}>
      {outputs.map((o) => (
        <Text key={o.label}>
          <Text color="gray">{`${o.label.padEnd(width)}  `}</Text>
          <Text color="cyan">{o.value}</Text>
        </Text>
      ))}
    </Box>
  );
}
