/**
 * deploy is the promote plan's last per-app step: `helm upgrade` on the environment's cluster
 * with its values files and the values kit sets (digest pin, Terraform outputs), while the
 * rollout probes send every kind of traffic through the environment's entry point: the gate runs
 * again where it counts. A failed re-gate (or a cancel while it runs) rolls the release back to
 * the revision kit replaced, only when kit made the upgrade, and waits until that revision serves.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import type { Step, StepContext } from "../../engine/plan.ts";
import { KitError } from "../../errors.ts";
import { causeOf } from "../../rollout/report/causes.ts";
import type { Copied } from "./ship.ts";
import { PromotionFailed, promotionValues } from "./ship.ts";
import type { AppPromotion, PromoteDeps, PromoteRequest } from "./types.ts";

/** Deployed is an app's release on the environment after a promotion. */
export interface Deployed {
  revision?: number;
  firstInstall: boolean;
}

/** deployStep builds the upgrade + re-gate (+ rollback) step of one app. */
export function deployStep(
  request: PromoteRequest,
  deps: PromoteDeps,
  needs: { copy: Step<Copied>; outputs: Step<Record<string, unknown>>; context: Step<unknown> },
  after: Step<unknown> | undefined,
  promotion: AppPromotion,
  promotionId: string,
): Step<Deployed> {
  const app = needs.copy.id.slice("copy:".length);
  const appConfig = request.config.apps[app];
  if (!appConfig) throw new KitError("bug", `app ${app} is not in the config`);
  const { target } = request;
  const chart = join(request.root, appConfig.chart);
  const selector = `app.kubernetes.io/instance=${app}`;
  const readyUrl = `${target.url(app)}${appConfig.readinessPath}`;
  const envValues = (appConfig.values[request.environment] ?? []).map((f) =>
    isAbsolute(f) ? f : join(request.root, f),
  );
  let revisionBefore: number | undefined;

  /** rollBack returns the release to the revision kit replaced, if kit's upgrade is the newest. */
  const rollBack = async (ctx: Pick<StepContext, "signal" | "log">, why: string): Promise<string> => {
    if (revisionBefore === undefined) return `${why}; there was no earlier revision to roll back to`;
    const history = await deps.helm.history(target.cluster, target.namespace, app, ctx.signal);
    const newest = history.at(-1)?.revision;
    promotion.revisionAfter = newest;
    if (newest === revisionBefore) return `${why}; the upgrade made no revision, so nothing was rolled back`;
    if (newest !== revisionBefore + 1) {
      promotion.outcome = "failed";
      return `${why}; revision ${newest} is not the one kit made (${revisionBefore + 1}), so kit did not roll back: someone else changed the release`;
    }
    ctx.log(`rolling ${app} back to revision ${revisionBefore}`);
    await deps.helm.rollback(target.cluster, target.namespace, app, revisionBefore, {
      signal: ctx.signal,
      onLine: (line) => ctx.log(line),
    });
    await deps.rollout.waitForPodsGone(target, selector, ctx.signal);
    await deps.waitForServing(readyUrl, ctx.signal);
    promotion.rolledBackTo = revisionBefore;
    promotion.outcome = "rolled-back";
    return `${why}; rolled back to revision ${revisionBefore}, which serves again`;
  };

  return {
    id: `deploy:${app}`,
    title: `${app}: helm upgrade on ${request.environment}, re-gated through ${target.url(app)}`,
    needs: [needs.copy, needs.outputs, needs.context, ...(after ? [after] : [])],
    async apply(ctx) {
      const copied = ctx.resultOf(needs.copy);
      const valuesFile = join(deps.workDir, `${app}.promotion-values.json`);
      const values = promotionValues(request, app, copied, ctx.resultOf(needs.outputs), promotionId);
      if (request.dryRun) {
        ctx.log(
          `would helm upgrade ${app} in ${target.namespace} on ${target.cluster.context} with ${[...envValues, "kit's values"].join(", ")}:`,
        );
        ctx.log(`  ${JSON.stringify(values)}`);
        ctx.log(
          `while probing ${target.url(app)}; on a failed re-gate, helm rollback to the revision it replaced`,
        );
        promotion.outcome = "dry-run";
        return { firstInstall: false };
      }
      await mkdir(deps.workDir, { recursive: true });
      await writeFile(valuesFile, `${JSON.stringify(values, null, 2)}\n`);
      const history = await deps.helm.history(target.cluster, target.namespace, app, ctx.signal);
      revisionBefore = [...history].reverse().find((r) => r.status === "deployed")?.revision;
      promotion.revisionBefore = revisionBefore;
      const valuesFiles = [...envValues, valuesFile];
      if (revisionBefore === undefined) {
        ctx.log(
          `first install of ${app} on ${request.environment}: no earlier revision serves traffic, so there is nothing to hold open`,
        );
        await deps.helm.upgrade(
          target.cluster,
          {
            release: app,
            chart,
            namespace: target.namespace,
            valuesFiles,
            set: {},
            wait: true,
            timeout: "10m",
          },
          { signal: ctx.signal, onLine: (line) => ctx.log(line) },
        );
        await deps.waitForServing(readyUrl, ctx.signal);
      } else {
        await deps.rollout.waitForPodsGone(target, selector, ctx.signal);
        const result = await deps.rollout.runRollout(
          {
            kubeconfig: target.cluster.kubeconfigPath,
            context: target.cluster.context,
            namespace: target.namespace,
            release: app,
            chart,
            valuesFiles,
            target: target.url(app),
            probe: request.config.rollout.probe,
            slo: request.config.rollout.slo,
          },
          {
            signal: ctx.signal,
            onEvent: (event) => ctx.data({ kind: "rollout-progress", app, run: 1, event }),
          },
        );
        const files = await deps.rollout.writeReports(
          join(request.reportDir, `${app}-${request.environment}-regate`),
          { app, run: 1, result },
          `kit promote ${app} to ${request.environment} (re-gate)`,
        );
        const failures = result.analysis.failures.map((f) => ({ class: f.class, count: f.count }));
        promotion.regate = { ok: result.ok, failures, report: files.json };
        ctx.data({
          kind: "rollout-result",
          app,
          run: 1,
          ok: result.ok,
          files,
          failures: result.analysis.failures.map((f) => ({
            class: f.class,
            count: f.count,
            cause: causeOf(f.evidence),
          })),
          upgradeError: result.upgradeError?.message,
        });
        if (!result.ok) {
          const why = `the re-gate of ${app} on ${request.environment} failed (${
            [...failures.map((f) => `${f.class} ×${f.count}`), result.upgradeError?.message]
              .filter(Boolean)
              .join(", ") || "an SLO did not hold"
          })`;
          throw new PromotionFailed(await rollBack(ctx, why), `See the re-gate report: ${files.html}`);
        }
      }
      const imageIds = await deps.kube.runningImageIds(
        target.cluster,
        target.namespace,
        selector,
        ctx.signal,
      );
      if (imageIds.length === 0 || !imageIds.every((id) => id.endsWith(copied.digest))) {
        throw new PromotionFailed(
          await rollBack(
            ctx,
            `${app}'s pods on ${request.environment} run ${imageIds.join(", ") || "nothing"}, not ${copied.digest}`,
          ),
          `Look at the pods: kubectl --context ${target.cluster.context} -n ${target.namespace} get pods -l ${selector} -o wide`,
        );
      }
      const history2 = await deps.helm.history(target.cluster, target.namespace, app, ctx.signal);
      promotion.revisionAfter = history2.at(-1)?.revision;
      promotion.outcome = "promoted";
      return { revision: promotion.revisionAfter, firstInstall: revisionBefore === undefined };
    },
    async cleanup(ctx) {
      // Cancelled while the upgrade ran: put back what kit changed.
      if (request.dryRun || promotion.outcome === "rolled-back") return;
      ctx.log(await rollBack(ctx, "the promotion was cancelled"));
    },
    summarize: (d) =>
      d.firstInstall
        ? `installed as revision ${d.revision} (first install)`
        : `revision ${d.revision ?? "?"}: re-gate passed`,
  };
}
