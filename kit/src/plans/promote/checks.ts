/**
 * checks are the promote plan's first steps: what would ship (the digest the local environment
 * runs, its chart and values), the gate evidence for exactly that, the caller's AWS account and
 * the environment's kube context. Each refuses with the reason and the fix; none changes anything.
 */
import type { Step } from "../../engine/plan.ts";
import { KitError } from "../../errors.ts";
import { type Candidate, checkGate, type GateRecord } from "../../gate/record.ts";
import type { AppPromotion, PromoteDeps, PromoteRequest } from "./types.ts";

/** PromotionRefused is a promotion kit will not make: a check failed. Nothing was changed. */
export class PromotionRefused extends KitError {
  constructor(message: string, fix: string) {
    super("external", message, { hint: fix });
  }
}

/** Shipping is an app's candidate: where its image is and what it is bound to. */
export interface Shipping {
  app: string;
  image: string;
  /** The source image by digest: localhost:5001/go-app@sha256:… */
  from: string;
  candidate: Candidate;
}

function stringAt(values: Record<string, unknown>, path: string[]): string {
  let at: unknown = values;
  for (const key of path) at = (at as Record<string, unknown> | undefined)?.[key];
  return typeof at === "string" ? at : "";
}

/** candidateStep reads what the local environment runs for app: the digest that would ship. */
export function candidateStep(
  request: PromoteRequest,
  deps: PromoteDeps,
  app: string,
  promotion: AppPromotion,
): Step<Shipping> {
  const { source } = request;
  return {
    id: `candidate:${app}`,
    title: `${app}: the image ${source.environment} runs`,
    async apply(ctx) {
      const appConfig = request.config.apps[app];
      if (!appConfig) throw new KitError("bug", `app ${app} is not in the config`);
      const release = await deps.helm.getRelease(source.cluster, source.namespace, app, ctx.signal);
      if (release?.status !== "deployed") {
        throw new PromotionRefused(
          `${app} is not deployed in the ${source.environment} environment, so there is no gated image to promote.`,
          `Run \`kit up\` and \`kit rollout ${app}\`, then promote.`,
        );
      }
      const values = await deps.helm.getValues(source.cluster, source.namespace, app, ctx.signal);
      const digest = stringAt(values, ["service", "image", "digest"]);
      const repository = stringAt(values, ["service", "image", "repository"]) || appConfig.image;
      if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
        throw new PromotionRefused(
          `${app} in ${source.environment} does not run an image pinned by digest (service.image.digest is "${digest}").`,
          "Deploy it with `kit up`, which pins the digest the registry reported on push.",
        );
      }
      const shipping: Shipping = {
        app,
        image: appConfig.image,
        from: `${request.sourceRegistry}/${repository}@${digest}`,
        candidate: {
          app,
          digest,
          chart: await deps.chartIdentity(appConfig.chart),
          values: await deps.valuesHashes(app),
          gateEnvironment: source.environment,
          targetEnvironment: request.environment,
        },
      };
      promotion.digest = digest;
      promotion.from = shipping.from;
      return shipping;
    },
    summarize: (s) =>
      `${s.candidate.digest.slice(0, 19)} (chart ${s.candidate.chart.name} ${s.candidate.chart.version})`,
  };
}

/** gateStep finds the gate record that covers the candidate, or refuses. */
export function gateStep(
  request: PromoteRequest,
  deps: PromoteDeps,
  candidate: Step<Shipping>,
  promotion: AppPromotion,
): Step<GateRecord> {
  const app = candidate.id.slice("candidate:".length);
  return {
    id: `gate:${app}`,
    title: `${app}: passed the gate, unchanged since`,
    needs: [candidate],
    async apply(ctx) {
      const shipping = ctx.resultOf(candidate);
      const maxAgeMs = request.config.promote.maxGateAgeHours * 3_600_000;
      const check = checkGate(await deps.gateRecords(app), shipping.candidate, deps.now(), maxAgeMs);
      if (!check.ok) {
        promotion.outcome = "refused";
        promotion.reason = check.reason;
        throw new PromotionRefused(`kit will not promote ${app}: ${check.reason}.`, check.fix);
      }
      promotion.gateRecord = check.record.time;
      return check.record;
    },
    summarize: (record) =>
      `gate passed ${record.time} (${record.runs.length} run(s), kit ${record.kit.version})`,
  };
}

/** accountStep checks that the caller's AWS account is the environment's. */
export function accountStep(request: PromoteRequest, deps: PromoteDeps): Step<string> {
  return {
    id: "account",
    title: `AWS account is ${request.env.accountId}`,
    async apply(ctx) {
      const identity = await deps.account.callerIdentity(ctx.signal);
      if (identity.account !== request.env.accountId) {
        throw new PromotionRefused(
          `the AWS credentials in use belong to account ${identity.account} (${identity.arn}), not ${request.environment}'s ${request.env.accountId}.`,
          `Use credentials of account ${request.env.accountId} (AWS_PROFILE, or the role CD assumes), or fix environments.${request.environment}.accountId in kit.config.yaml.`,
        );
      }
      return identity.arn;
    },
    summarize: (arn) => arn,
  };
}

/** contextStep checks that kit acts on the environment's kube context and that it answers. */
export function contextStep(request: PromoteRequest, deps: PromoteDeps): Step<string> {
  const { cluster } = request.target;
  return {
    id: "context",
    title: `kube context ${request.env.kubeContext}`,
    async apply(ctx) {
      if (cluster.context !== request.env.kubeContext) {
        throw new PromotionRefused(
          `the kube context ${cluster.context} is not ${request.environment}'s (${request.env.kubeContext}).`,
          `Drop --context, or fix environments.${request.environment}.kubeContext in kit.config.yaml.`,
        );
      }
      try {
        await deps.kube.checkContext(cluster, ctx.signal);
      } catch (err) {
        if (ctx.signal.aborted || !(err instanceof KitError)) throw err;
        throw new PromotionRefused(
          `kit cannot use ${request.environment}'s cluster: ${err.message}.`,
          err.hint ?? "",
        );
      }
      return cluster.context;
    },
    summarize: (context) => `${context} answers`,
  };
}
