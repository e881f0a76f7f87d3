/**
 * The promote plan ships exactly what passed the local gate to an AWS environment, in this order:
 * for each app, the digest the local environment runs and the gate record that covers it (same
 * digest, chart and values, recent enough); the caller's AWS account and the environment's kube
 * context; `terraform plan -out`, an approval, and apply of that saved plan; a copy of each image
 * by digest; then, one app at a time, `helm upgrade` on the environment while the rollout probes
 * run against its entry point, rolled back when that re-gate fails. A promotion record is written
 * whatever happened. Every check comes before any change; --dry-run changes nothing.
 */

import { definePlan, type Plan, type Step } from "../../engine/plan.ts";
import { CancelledError, errorMessage } from "../../errors.ts";
import { kitVersion } from "../../gate/record.ts";
import { accountStep, candidateStep, contextStep, gateStep, PromotionRefused } from "./checks.ts";
import { deployStep } from "./deploy.ts";
import { infraSteps } from "./infra.ts";
import { copyStep } from "./ship.ts";
import type { AppPromotion, PromoteDeps, PromoteRequest, PromotionRecord } from "./types.ts";

/** PromotePlan is the plan and the record it fills in as it runs. */
export interface PromotePlan {
  plan: Plan;
  record: PromotionRecord;
}

/** ended tells a finished promotion's outcome from what its steps did. */
function outcomeOf(
  record: PromotionRecord,
  failures: unknown[],
  cancelled: boolean,
): PromotionRecord["outcome"] {
  if (record.dryRun) return "dry-run";
  if (record.apps.some((a) => a.outcome === "rolled-back")) return "rolled-back";
  if (cancelled) return "cancelled";
  const changed = record.terraform?.applied || record.apps.some((a) => a.revisionAfter !== undefined);
  if (failures.length > 0)
    return !changed && failures.every((f) => f instanceof PromotionRefused) ? "refused" : "failed";
  return record.apps.every((a) => a.outcome === "promoted") ? "promoted" : "failed";
}

/** promotePlan builds the plan of `kit promote <env> [app...]`. */
export function promotePlan(request: PromoteRequest, deps: PromoteDeps): PromotePlan {
  const started = deps.now();
  const promotionId = `${request.environment}-${new Date(started).toISOString().replaceAll(/[:.]/g, "")}`;
  const record: PromotionRecord = {
    kind: "kit.dev/PromotionRecord",
    version: 1,
    environment: request.environment,
    accountId: request.env.accountId,
    startedAt: new Date(started).toISOString(),
    finishedAt: "",
    dryRun: request.dryRun,
    outcome: "failed",
    apps: request.apps.map((app) => ({
      app,
      digest: "",
      from: "",
      outcome: request.dryRun ? "dry-run" : "not-started",
    })),
    kit: { version: kitVersion() },
  };
  const promotionOf = (app: string): AppPromotion => record.apps.find((a) => a.app === app) as AppPromotion;
  const failures: unknown[] = [];
  let cancelled = false;
  /** tracked notes how each step failed, for the record written at the end. */
  const tracked = <T>(step: Step<T>): Step<T> => ({
    ...step,
    apply: async (ctx) => {
      try {
        return await step.apply(ctx);
      } catch (err) {
        if (err instanceof CancelledError || ctx.signal.aborted) cancelled = true;
        else failures.push(err);
        throw err;
      }
    },
  });

  const steps: Step<unknown>[] = [];
  const candidates = request.apps.map((app) => tracked(candidateStep(request, deps, app, promotionOf(app))));
  const gates = candidates.map((c, i) =>
    tracked(gateStep(request, deps, c, promotionOf(request.apps[i] ?? ""))),
  );
  const account = tracked(accountStep(request, deps));
  const context = tracked(contextStep(request, deps));
  steps.push(...candidates, ...gates, account, context);

  const infra = infraSteps(request, deps, [...gates, account, context], record);
  const plan = tracked(infra.plan);
  const approval = tracked(infra.approval);
  const apply = tracked(infra.apply);
  steps.push(plan, approval, apply);

  let previous: Step<unknown> | undefined;
  request.apps.forEach((app, i) => {
    const candidate = candidates[i] as (typeof candidates)[number];
    const gate = gates[i] as (typeof gates)[number];
    const copy = tracked(copyStep(request, deps, candidate, { gate, outputs: apply }, promotionOf(app)));
    const deploy = tracked(
      deployStep(request, deps, { copy, outputs: apply, context }, previous, promotionOf(app), promotionId),
    );
    steps.push(copy, deploy);
    previous = deploy;
  });

  steps.push({
    id: "record",
    title: "promotion record",
    after: steps.map((s) => s.id),
    always: true,
    async apply(ctx) {
      record.finishedAt = new Date(deps.now()).toISOString();
      record.outcome = outcomeOf(record, failures, cancelled);
      for (const app of record.apps) {
        if (app.outcome === "not-started" && failures.length > 0) app.reason ??= errorMessage(failures[0]);
      }
      const file = await deps.writeRecord(record);
      ctx.data({ kind: "promotion-record", outcome: record.outcome, file });
      return file;
    },
    summarize: (file) => `${record.outcome}: ${String(file)}`,
  });
  return { plan: definePlan("promote", steps), record };
}
