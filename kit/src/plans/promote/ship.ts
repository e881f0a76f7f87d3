/**
 * ship copies the gated image by digest into the environment's registry (verified after the
 * copy) and computes the values kit sets there: the digest pin and the Terraform outputs the
 * environment maps to chart values.
 */
import type { Step } from "../../engine/plan.ts";
import { KitError, UserError } from "../../errors.ts";
import { nestValues } from "../../tools/helm/values.ts";
import type { Shipping } from "./checks.ts";
import type { AppPromotion, PromoteDeps, PromoteRequest } from "./types.ts";

/** Copied is an image in the environment's registry. */
export interface Copied {
  registry: string;
  repository: string;
  digest: string;
  /** registry/repository@digest */
  ref: string;
  alreadyThere: boolean;
}

/** PromotionFailed is a promotion that changed the environment and then failed (re-gate or deploy). */
export class PromotionFailed extends KitError {
  constructor(message: string, hint: string) {
    super("external", message, { hint });
  }
}

/** outputValue reads "name.key.key" from Terraform outputs, or undefined. */
export function outputValue(outputs: Record<string, unknown>, expression: string): unknown {
  const [name = "", ...keys] = expression.split(".");
  let at: unknown = outputs[name];
  for (const key of keys) at = (at as Record<string, unknown> | undefined)?.[key];
  return at;
}

/** registryHost is the environment's registry: configured, or a Terraform output. */
export function registryHost(request: PromoteRequest, outputs: Record<string, unknown>): string {
  const { registry } = request.env;
  if (registry.host) return registry.host;
  const host = outputValue(outputs, registry.hostOutput);
  if (typeof host !== "string" || host === "") {
    throw new UserError(
      `environments.${request.environment}.registry: no host, and Terraform has no output ${registry.hostOutput}.`,
      {
        hint: `Set registry.host, or registry.hostOutput to the output naming the registry (${Object.keys(outputs).join(", ") || "none"}).`,
      },
    );
  }
  return host;
}

/** copyStep copies the gated image by digest into the environment's registry. */
export function copyStep(
  request: PromoteRequest,
  deps: PromoteDeps,
  shipping: Step<Shipping>,
  needs: { gate: Step<unknown>; outputs: Step<Record<string, unknown>> },
  promotion: AppPromotion,
): Step<Copied> {
  const app = shipping.id.slice("candidate:".length);
  return {
    id: `copy:${app}`,
    title: `${app}: image copied by digest`,
    needs: [shipping, needs.gate, needs.outputs],
    async apply(ctx) {
      const { from, image, candidate } = ctx.resultOf(shipping);
      const outputs = ctx.resultOf(needs.outputs);
      const host =
        request.dryRun && !request.env.registry.host
          ? "<registry from Terraform>"
          : registryHost(request, outputs);
      const repository = `${request.env.registry.repositoryPrefix}${image}`;
      const ref = `${host}/${repository}@${candidate.digest}`;
      promotion.to = ref;
      if (request.dryRun) {
        ctx.log(`would copy ${from} to ${ref} (no rebuild) and verify the digest`);
        return { registry: host, repository, digest: candidate.digest, ref, alreadyThere: false };
      }
      const auth =
        request.env.registry.auth === "ecr" ? await deps.account.ecrCredentials(host, ctx.signal) : undefined;
      const present = await deps.copier.digestOf(ref, { auth, signal: ctx.signal });
      if (present !== candidate.digest) {
        const tag = `${host}/${repository}:kit-${candidate.digest.slice(7, 19)}`;
        await deps.copier.copy(from, tag, { auth, signal: ctx.signal, onLine: (line) => ctx.log(line) });
        const copied = await deps.copier.digestOf(ref, { auth, signal: ctx.signal });
        if (copied !== candidate.digest) {
          throw new PromotionFailed(
            `after copying ${from}, ${host}/${repository} holds ${copied ?? "nothing"} at that digest, not ${candidate.digest}.`,
            "The registry changed the manifest (a conversion or a tag rule); copy it by hand with `crane copy` to see why.",
          );
        }
      }
      return {
        registry: host,
        repository,
        digest: candidate.digest,
        ref,
        alreadyThere: present === candidate.digest,
      };
    },
    changed: (c) => !c.alreadyThere,
    summarize: (c) => `${c.ref}${c.alreadyThere ? " (already there)" : ""}`,
  };
}

/** promotionValues are the values kit sets on the environment: the digest pin and Terraform outputs. */
export function promotionValues(
  request: PromoteRequest,
  app: string,
  copied: Copied,
  outputs: Record<string, unknown>,
  promotionId: string,
): Record<string, unknown> {
  const flat: Record<string, unknown> = {
    "service.image.registry": copied.registry,
    "service.image.repository": copied.repository,
    "service.image.tag": "",
    "service.image.digest": copied.digest,
    "service.podAnnotations.kit\\.dev/promotion": promotionId,
  };
  for (const [key, expression] of Object.entries(request.env.apps[app]?.terraformValues ?? {})) {
    const value = outputValue(outputs, expression);
    if (value === undefined) {
      if (request.dryRun) continue;
      throw new UserError(
        `environments.${request.environment}.apps.${app}.terraformValues["${key}"] names ${expression}, which Terraform's outputs do not have.`,
        {
          hint: `Outputs: ${Object.keys(outputs).join(", ") || "none"}. Fix the expression in kit.config.yaml.`,
        },
      );
    }
    flat[key] = value;
  }
  return nestValues(flat);
}
