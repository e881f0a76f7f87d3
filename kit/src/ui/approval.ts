/**
 * approval asks a person to approve a Terraform plan. The plan's approval step calls request();
 * the front end shows the question and answers: the Ink view through its keys (it subscribes to
 * the broker like any store), plain mode on a terminal through a line typed on stdin. Where no one
 * can answer (CI), kit promote requires --approve and never gets here.
 */
import type { Approval, TerraformPlanSummary } from "../plans/promote/types.ts";

/** ApprovalQuestion is what is being asked. */
export interface ApprovalQuestion {
  environment: string;
  summary: TerraformPlanSummary;
}

/** ApprovalState is the pending question, if any. */
export interface ApprovalState {
  pending?: ApprovalQuestion;
}

/** ApprovalBroker holds one question at a time until the front end answers it. */
export class ApprovalBroker {
  private state: ApprovalState = {};
  private resolve: ((approval: Approval) => void) | undefined;
  private readonly listeners = new Set<(state: ApprovalState) => void>();

  constructor(private readonly who: string) {}

  /** request asks and resolves with the answer (a refusal when signal aborts). */
  request(question: ApprovalQuestion, signal: AbortSignal): Promise<Approval> {
    return new Promise((resolve) => {
      const onAbort = (): void => this.settle({ approved: false, by: "cancelled before an answer" });
      signal.addEventListener("abort", onAbort, { once: true });
      this.resolve = (approval) => {
        signal.removeEventListener("abort", onAbort);
        resolve(approval);
      };
      this.update({ pending: question });
    });
  }

  /** answer is the person's yes or no. */
  answer(approved: boolean): void {
    this.settle({ approved, by: `${approved ? "approved" : "declined"} at the terminal by ${this.who}` });
  }

  getState(): ApprovalState {
    return this.state;
  }

  subscribe(listener: (state: ApprovalState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private settle(approval: Approval): void {
    const resolve = this.resolve;
    this.resolve = undefined;
    this.update({});
    resolve?.(approval);
  }

  private update(state: ApprovalState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}

/** approvalPrompt renders the question as lines (the Ink view and the plain prompt show the same). */
export function approvalPrompt(question: ApprovalQuestion): string[] {
  const { summary } = question;
  return [
    `Terraform plan for ${question.environment}: ${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy`,
    ...summary.resources.slice(0, 30).map((r) => `  ${r.actions.join("/")} ${r.address}`),
    ...(summary.resources.length > 30 ? [`  … and ${summary.resources.length - 30} more`] : []),
    `plan ${summary.planHash}`,
    `Apply exactly this plan to ${question.environment}?`,
  ];
}
