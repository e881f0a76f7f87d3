/**
 * exit maps how a plan ended to kit's exit codes: 0 ok, 130 interrupted, 2 when a step failed on
 * bad input (a user error: flags, config, an environment that is not there), else 1.
 */
import type { PlanResult } from "../engine/runner.ts";
import { KitError } from "../errors.ts";

/** exitCodeOfPlan returns the exit code for a finished plan. */
export function exitCodeOfPlan(result: PlanResult): number {
  if (result.cancelled) return 130;
  if (result.ok) return 0;
  const userError = Object.values(result.errors).some(
    (err) => err instanceof KitError && err.kind === "user",
  );
  return userError ? 2 : 1;
}
