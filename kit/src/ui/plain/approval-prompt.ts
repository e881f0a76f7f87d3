/**
 * approval-prompt asks for an approval on a terminal without the Ink view (--plain on a TTY): it
 * prints the question and reads one line from stdin; only "yes" approves.
 */
import type { Approver } from "../../plans/promote/types.ts";
import { approvalPrompt } from "../approval.ts";

/** terminalApprover returns an Approver that asks on stdin/stdout. */
export function terminalApprover(who: string): Approver {
  return {
    async approve(question, signal) {
      const { createInterface } = await import("node:readline/promises");
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        for (const line of approvalPrompt(question)) process.stdout.write(`${line}\n`);
        const answer = await rl.question("Type yes to apply: ", { signal });
        const approved = answer.trim() === "yes";
        return { approved, by: `${approved ? "approved" : "declined"} at the terminal by ${who}` };
      } catch {
        return { approved: false, by: "cancelled before an answer" };
      } finally {
        rl.close();
      }
    },
  };
}
