/**
 * steps puts a plan's changes to an environment under the environment's lock: an `environment`
 * step takes the lock first (saying whom it waits for, if anyone holds it), moves a checkout's old
 * state in and records the checkout; every step that touches the environment needs it. The lock
 * is given up when the run finishes (releaseLockWhenFinished), and a step run again afterwards (the
 * terminal UI's retry) takes it again before it looks at the environment.
 */
import type { EventSink } from "../engine/events.ts";
import type { Step, StepContext } from "../engine/plan.ts";
import type { EnvironmentLock } from "./lock.ts";
import { type LocalEnvironment, type PreparedEnvironment, prepareEnvironment } from "./state.ts";

/** ENVIRONMENT_STEP is the id of the step that takes the environment's lock. */
export const ENVIRONMENT_STEP = "environment";

const REPORT_EVERY_MS = 5_000;

/** holdLock takes the lock unless this process holds it, reporting the wait on the step. */
export async function holdLock(lock: EnvironmentLock, ctx: Omit<StepContext, "resultOf">): Promise<void> {
  if (lock.isHeld) return;
  let lastReport = Number.NEGATIVE_INFINITY;
  let told = "";
  await lock.acquire({
    signal: ctx.signal,
    onWaiting: (holder, waitedMs) => {
      if (told !== holder.token) {
        told = holder.token;
        ctx.log(
          `the environment is locked by ${lock.describe(holder)}; waiting until it finishes (Ctrl-C stops waiting)`,
        );
      }
      if (waitedMs - lastReport >= REPORT_EVERY_MS) {
        lastReport = waitedMs;
        ctx.progress(
          `waiting for ${holder.command} (pid ${holder.pid}) in ${holder.checkout}: ${Math.round(waitedMs / 1000)} s`,
        );
      }
    },
    onStale: (holder, reason) =>
      ctx.log(`took over the lock ${lock.describe(holder)} had left behind: ${reason}`),
  });
}

/** environmentStep takes the lock, then prepares the environment's state folder. */
export function environmentStep(options: {
  environment: LocalEnvironment;
  root: string;
  project: string;
}): Step<PreparedEnvironment> {
  const { environment } = options;
  return {
    id: ENVIRONMENT_STEP,
    title: `environment ${environment.name} (lock)`,
    async apply(ctx) {
      await holdLock(environment.lock, ctx);
      const prepared = await prepareEnvironment(environment, options);
      for (const line of prepared.migrated)
        ctx.log(`moved this checkout's state to the environment: ${line}`);
      if (prepared.otherProject) {
        ctx.log(
          `environment ${environment.name} was last brought up for project ${prepared.otherProject}; name this one apart with --env-name`,
        );
      }
      for (const { checkout, lastUp } of prepared.sharedWith) {
        ctx.log(`shared with the checkout ${checkout} (its last kit up: ${lastUp})`);
      }
      ctx.output("environment", "environment", `${environment.name} (state in ${environment.dir})`);
      return prepared;
    },
    changed: (prepared) => prepared.migrated.length > 0,
    summarize: (prepared) =>
      `locked${prepared.sharedWith.length > 0 ? `; shared with ${prepared.sharedWith.map((s) => s.checkout).join(", ")}` : ""}${prepared.migrated.length > 0 ? `; moved ${prepared.migrated.length} file(s) of .kit/ into ${environment.dir}` : ""}`,
  };
}

/**
 * underLock makes a step need the environment step, and take the lock again before it looks at or
 * changes the environment when it runs after the lock was given up (a retry).
 */
export function underLock<T>(step: Step<T>, lock: EnvironmentLock): Step<T> {
  const needs = step.needs?.includes(ENVIRONMENT_STEP)
    ? step.needs
    : [ENVIRONMENT_STEP, ...(step.needs ?? [])];
  const check = step.check;
  return {
    ...step,
    needs,
    check: check
      ? async (ctx) => {
          await holdLock(lock, ctx);
          return check.call(step, ctx);
        }
      : undefined,
    async apply(ctx) {
      await holdLock(lock, ctx);
      return step.apply(ctx);
    },
  };
}

/** releaseLockWhenFinished gives the lock up when a run (or a retry) of the plan ends. */
export function releaseLockWhenFinished(lock: EnvironmentLock): EventSink {
  return (event) => {
    if (event.type === "plan-finished") lock.release();
  };
}
