/**
 * infra are the promote plan's Terraform steps: plan the environment to a saved file and show
 * what it would do, get that plan approved (a person at a terminal, or --approve in CI), and
 * apply exactly the saved plan. The outputs (registry, IRSA roles, certificates) feed the deploys.
 */
import { join } from "node:path";
import type { Step, StepLink } from "../../engine/plan.ts";
import { PromotionRefused } from "./checks.ts";
import type {
  Approval,
  PromoteDeps,
  PromoteRequest,
  PromotionRecord,
  TerraformPlanSummary,
} from "./types.ts";

/** InfraSteps are the three Terraform steps, in order. */
export interface InfraSteps {
  plan: Step<TerraformPlanSummary | undefined>;
  approval: Step<Approval>;
  apply: Step<Record<string, unknown>>;
}

/** describePlan is the readable summary of a plan: counts, then each resource and its actions. */
export function describePlan(summary: TerraformPlanSummary): string[] {
  const head = summary.changes
    ? `${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy`
    : "no changes";
  return [head, ...summary.resources.map((r) => `  ${r.actions.join("/")} ${r.address}`)];
}

/** infraSteps builds the Terraform steps; record collects what they did for the promotion record. */
export function infraSteps(
  request: PromoteRequest,
  deps: PromoteDeps,
  checks: StepLink[],
  record: Pick<PromotionRecord, "terraform" | "approval">,
): InfraSteps {
  const name = request.environment;
  const plan: Step<TerraformPlanSummary | undefined> = {
    id: "terraform-plan",
    title: `terraform plan (${name}, saved)`,
    needs: checks,
    async apply(ctx) {
      if (request.dryRun) {
        ctx.log(`would run terraform init and plan -out in ${request.env.terraformDir}`);
        return undefined;
      }
      const summary = await deps.terraform.plan({
        out: join(deps.workDir, "tfplan"),
        signal: ctx.signal,
        onLine: (line) => ctx.log(line),
      });
      for (const line of describePlan(summary)) ctx.log(line);
      ctx.data({ kind: "terraform-plan", environment: name, ...summary });
      record.terraform = {
        planHash: summary.planHash,
        add: summary.add,
        change: summary.change,
        destroy: summary.destroy,
        applied: false,
      };
      return summary;
    },
    summarize: (s) =>
      s ? `${describePlan(s)[0]} (plan ${s.planHash.slice(0, 19)})` : "dry run: not planned",
  };

  const approval: Step<Approval> = {
    id: "approval",
    title: `approval of ${name}'s plan`,
    needs: [plan],
    async apply(ctx) {
      const summary = ctx.resultOf(plan);
      let result: Approval;
      if (summary === undefined) result = { approved: true, by: "dry run (nothing to approve)" };
      else if (!summary.changes) result = { approved: true, by: "no changes to approve" };
      else if (request.approved || !request.env.requireApproval)
        result = { approved: true, by: request.approved ? "--approve" : "requireApproval: false" };
      else result = await deps.approver.approve({ environment: name, summary }, ctx.signal);
      record.approval = result;
      if (!result.approved) {
        throw new PromotionRefused(
          `the Terraform plan for ${name} was not approved (${result.by}); nothing was applied.`,
          "Run kit promote again and approve the plan, or pass --approve where no one can be asked.",
        );
      }
      return result;
    },
    summarize: (a) => `approved: ${a.by}`,
  };

  const apply: Step<Record<string, unknown>> = {
    id: "terraform-apply",
    title: `terraform apply (exactly the approved plan)`,
    needs: [plan, approval],
    async apply(ctx) {
      const summary = ctx.resultOf(plan);
      if (summary === undefined) {
        ctx.log("would apply the saved plan, then read the outputs");
        return {};
      }
      if (summary.changes) {
        await deps.terraform.apply(summary.planFile, { signal: ctx.signal, onLine: (line) => ctx.log(line) });
        if (record.terraform) record.terraform.applied = true;
      } else ctx.log("the plan has no changes: nothing to apply");
      return deps.terraform.outputs(ctx.signal);
    },
    summarize: (outputs) => `${Object.keys(outputs).length} output(s)`,
  };
  return { plan, approval, apply };
}
