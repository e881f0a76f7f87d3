/**
 * toolchain-step is `kit up`'s first step: every tool kit drives is there, or it runs `kit doctor
 * --fix` and reports each install on the step's log.
 */
import type { EventSink } from "../engine/events.ts";
import type { Step } from "../engine/plan.ts";
import type { PlanResult } from "../engine/runner.ts";
import { UserError } from "../errors.ts";
import type { ToolCheck } from "../tools/doctor/requirements.ts";

/** ToolchainDeps detect the tools (kit doctor) and install the missing ones (kit doctor --fix). */
export interface ToolchainDeps {
  checkTools(signal: AbortSignal): Promise<ToolCheck[]>;
  /** Runs the doctor plan with --fix, its events into sink. */
  fixTools(options: { signal: AbortSignal; sink: EventSink }): Promise<PlanResult>;
}

/** toolchainStep holds when every required tool is ok, and otherwise installs what is missing. */
export function toolchainStep(deps: ToolchainDeps): Step<undefined> {
  return {
    id: "toolchain",
    title: "toolchain (kit doctor --fix)",
    async check(ctx) {
      const checks = await deps.checkTools(ctx.signal);
      return checks.every((c) => !c.required || c.status === "ok")
        ? { satisfied: true, value: undefined, summary: "all tools ready" }
        : { satisfied: false };
    },
    async apply(ctx) {
      const result = await deps.fixTools({
        signal: ctx.signal,
        sink: (event) => {
          if (event.type === "step-log") ctx.log(`${event.step}: ${event.line}`, event.stream);
          if (event.type === "step-succeeded" && event.changed)
            ctx.log(`${event.step}: ${event.summary ?? "installed"}`);
          if (event.type === "step-failed") ctx.log(`${event.step}: ${event.error.message}`, "stderr");
        },
      });
      const failed = Object.entries(result.statuses).filter(([, s]) => s === "failed");
      if (failed.length > 0) {
        const first = result.errors[failed[0]?.[0] ?? ""];
        throw new UserError(`kit could not install: ${failed.map(([id]) => id).join(", ")}.`, {
          hint: `${first instanceof Error ? `${first.message} ` : ""}Run \`kit doctor --fix\` to see each tool's install log.`,
        });
      }
      return undefined;
    },
    summarize: () => "all tools ready",
  };
}
