import { userInfo } from "node:os";
import { join } from "node:path";
import { requireProjectFiles } from "../../config/project-files.ts";
import type { Approver } from "../../plans/promote/types.ts";
import { type CommandContext, loadProject } from "../context.ts";
import { exitCodeOfPlan } from "../exit.ts";

/** PromoteFlags are kit promote's options. */
export interface PromoteFlags {
  approve?: boolean;
  dryRun?: boolean;
  context?: string;
  reportDir?: string;
}

/** runPromoteCommand ships what passed the local gate to an AWS environment and returns the exit code. */
export async function runPromoteCommand(
  ctx: CommandContext,
  environment: string,
  apps: string[],
  flags: PromoteFlags,
): Promise<number> {
  const project = await loadProject(ctx.options);
  requireProjectFiles(project.config, project.root, project.configPath);
  const [{ UserError }, { resolveTarget }, { selectRolloutApps }] = await Promise.all([
    import("../../errors.ts"),
    import("../../plans/targets.ts"),
    import("../../plans/rollout.ts"),
  ]);
  const { config, root } = project;
  const env = config.environments[environment];
  if (env?.type !== "aws") {
    const aws = Object.entries(config.environments)
      .filter(([, e]) => e.type === "aws")
      .map(([name]) => name);
    throw new UserError(
      env
        ? `kit promote ships to AWS environments; ${environment} is type ${env.type}.`
        : `${environment} is not an environment of ${project.configPath}.`,
      {
        hint: `AWS environments in kit.config.yaml: ${aws.join(", ") || "none (add one under environments)"}.`,
      },
    );
  }
  const chosen = selectRolloutApps(config, apps.length > 0 ? apps : Object.keys(env.apps));
  const canAsk = Boolean(process.stdin.isTTY && process.stdout.isTTY) && ctx.frontEnd !== "json";
  if (!flags.dryRun && !flags.approve && env.requireApproval && !canAsk) {
    throw new UserError(
      `kit promote ${environment} applies Terraform, and no one is at a terminal to approve the plan.`,
      {
        hint: "Pass --approve where approval happens elsewhere (CD: the environment's required reviewers), or --dry-run to see what it would do.",
      },
    );
  }
  const target = resolveTarget(config, root, { env: environment, context: flags.context }, chosen);
  const source = resolveTarget(config, root, { env: "local" }, chosen);
  const reportDir = flags.reportDir ?? join(root, "test-results", "promote");
  const [{ promotePlan }, { realPromoteDeps }, ui] = await Promise.all([
    import("../../plans/promote/plan.ts"),
    import("../../plans/promote/deps.ts"),
    import("../../ui/index.ts"),
  ]);
  const who = `${userInfo().username}`;
  const { ApprovalBroker } = await import("../../ui/approval.ts");
  const broker = ctx.frontEnd === "ink" ? new ApprovalBroker(who) : undefined;
  const approver: Approver = broker
    ? { approve: (question, signal) => broker.request(question, signal) }
    : (await import("../../ui/plain/approval-prompt.ts")).terminalApprover(who);
  const built = promotePlan(
    {
      config,
      root,
      environment,
      env,
      apps: chosen,
      target,
      source,
      sourceRegistry: `localhost:${config.registry.hostPort}`,
      approved: Boolean(flags.approve),
      dryRun: Boolean(flags.dryRun),
      reportDir,
    },
    realPromoteDeps({ config, root, environment, env, reportDir, approver }),
  );
  const result = await ui.runUnderFrontEnd(built.plan, {
    frontEnd: ctx.frontEnd,
    signal: ctx.signal,
    cancel: ctx.cancel,
    verbose: ctx.options.verbose,
    hold: "on-failure",
    panel: { kind: "rollout", runs: 1 },
    approvals: broker,
  });
  if (ctx.frontEnd !== "json") {
    process.stdout.write(`\nkit promote ${environment}: ${built.record.outcome}\n`);
  }
  return exitCodeOfPlan(result);
}
