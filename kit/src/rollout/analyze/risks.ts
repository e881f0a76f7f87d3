/**
 * Latent risks: what a pod did between SIGTERM and its exit that loses traffic under other timing,
 * although this run happened not to lose any to it. A 50-second run on kind can miss a fault that
 * production trips: a pod that dies of SIGTERM cuts whatever is in flight at that instant; one killed
 * at the end of its grace period cuts what is still open; one that exits at once gets new requests
 * after it has gone wherever a load balancer deregisters targets more slowly than kube-proxy (an AWS
 * ALB takes seconds). Each is evidence from the pod's own lifecycle, reported beside the failures
 * (and failing the run when `rollout.slo.failOnLatentRisks` says so).
 */
import { seconds } from "./causes.ts";
import type { PodFacts } from "./facts.ts";
import type { FailureClass } from "./types.ts";
import { GRACEFUL_DRAIN_MS } from "./windows.ts";

/** SIGTERM_EXIT_CODE is a container's exit code when SIGTERM's default action ended it (128 + 15). */
const SIGTERM_EXIT_CODE = 143;

/** LatentRisk is one pod's shutdown that would lose traffic under other timing. */
export interface LatentRisk {
  rule: "no-sigterm-handler" | "killed-at-grace" | "exits-at-once";
  pod: string;
  /** What the pod did, why it loses traffic, and the fix. */
  detail: string;
}

/** The failure classes that already report a risk's fault, when this run did trip it. */
const REPORTED_AS: Record<LatentRisk["rule"], FailureClass[]> = {
  "no-sigterm-handler": ["exits-on-sigterm", "in-flight-cut"],
  "killed-at-grace": ["ignores-sigterm", "grace-too-short"],
  "exits-at-once": ["exits-on-sigterm", "no-prestop-drain", "in-flight-cut"],
};

function riskOf(pod: PodFacts): LatentRisk | undefined {
  if (pod.terminatingAt === undefined || pod.exitedAt === undefined) return undefined;
  const after = seconds(Math.max(0, pod.exitedAt - pod.terminatingAt));
  if (pod.killedAtGrace) {
    return {
      rule: "killed-at-grace",
      pod: pod.name,
      detail: `pod ${pod.name} was killed at the end of its ${pod.gracePeriodSeconds ?? 30} s grace period (exit ${pod.exitCode ?? "?"}): whatever is still open then is cut → drain within the grace period (or raise terminationGracePeriodSeconds above the drain plus the slowest request)`,
    };
  }
  if (pod.exitCode === SIGTERM_EXIT_CODE) {
    return {
      rule: "no-sigterm-handler",
      pod: pod.name,
      detail: `pod ${pod.name} died of SIGTERM ${after} after its deletion (exit 143): the app has no SIGTERM handler, so requests in flight at that instant are cut → handle SIGTERM: fail readiness, finish in-flight requests, then exit 0`,
    };
  }
  if (
    pod.exitCode === 0 &&
    pod.hasPreStop === false &&
    pod.exitedAt - pod.terminatingAt < GRACEFUL_DRAIN_MS
  ) {
    return {
      rule: "exits-at-once",
      pod: pod.name,
      detail: `pod ${pod.name} exited ${after} after its deletion, with no preStop hook: a load balancer that stops routing to it later than kube-proxy does (an AWS ALB takes seconds) sends it requests after it is gone → keep serving after SIGTERM (a drain delay, or a preStop sleep) for longer than deregistration takes`,
    };
  }
  return undefined;
}

/** terminatedDuring says whether the pod began terminating while the run was recording. */
function terminatedDuring(pod: PodFacts, run: { startedAt: number; endedAt: number }): boolean {
  return (
    pod.terminatingAt !== undefined && pod.terminatingAt >= run.startedAt && pod.terminatingAt <= run.endedAt
  );
}

/**
 * killedAtGrace lists the pods that began terminating during the run and were killed at the end of
 * their grace period: a broken shutdown whatever this run saw cut (the SLO exits-within-grace).
 */
export function killedAtGrace(
  pods: Iterable<PodFacts>,
  run: { startedAt: number; endedAt: number },
): PodFacts[] {
  return [...pods].filter((pod) => pod.killedAtGrace && terminatedDuring(pod, run));
}

/**
 * latentRisks lists the risks of the pods that began terminating during the run, leaving out those
 * whose fault already failed the run for that pod.
 */
export function latentRisks(
  pods: Iterable<PodFacts>,
  run: { startedAt: number; endedAt: number },
  failed: readonly { class: FailureClass; pod?: string }[],
): LatentRisk[] {
  const risks: LatentRisk[] = [];
  for (const pod of pods) {
    if (!terminatedDuring(pod, run)) continue;
    const risk = riskOf(pod);
    if (!risk) continue;
    const reported = failed.some(
      (f) => REPORTED_AS[risk.rule].includes(f.class) && (f.pod ?? pod.name) === pod.name,
    );
    if (!reported) risks.push(risk);
  }
  return risks;
}
