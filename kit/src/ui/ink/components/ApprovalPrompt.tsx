import { Box, Text, useInput } from "ink";
import { type ApprovalBroker, approvalPrompt } from "../../approval.ts";
import { useThrottledStore } from "../hooks/use-plan-state.ts";

/**
 * ApprovalPrompt shows a pending approval (a Terraform plan) and answers it with y or n. It only
 * answers the broker; the engine's approval step does the rest.
 */
export function ApprovalPrompt({
  broker,
  interactive = true,
}: {
  broker: ApprovalBroker;
  interactive?: boolean;
}) {
  const state = useThrottledStore(broker, 50);
  useInput(
    (input) => {
      if (!state.pending) return;
      if (input === "y" || input === "Y") broker.answer(true);
      else if (input === "n" || input === "N") broker.answer(false);
    },
    { isActive: interactive && state.pending !== undefined },
  );
  if (!state.pending) return null;
  const lines = approvalPrompt(state.pending);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      {lines.slice(0, -1).map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed lines of one question.
        <Text key={i} wrap="truncate-end">
          {line}
        </Text>
      ))}
      <Text bold color="yellow">{`${lines.at(-1)} y apply · n do not apply`}</Text>
    </Box>
  );
}
