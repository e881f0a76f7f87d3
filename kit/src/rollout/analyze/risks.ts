/**
 * Latent risks: what a pod did between SIGTERM and its exit that loses traffic under other timing,
 * although this run happened not to lose any to it. A 50-second run on kind can miss a fault that
 * production trips: a pod that dies of SIGTERM cuts whatever is in flight at that instant; one killed
 * at the end of its grace period cuts what is still open; one that exits at once gets new requests
 * after it has gone wherever a load balancer deregisters targets more slowly than kube-proxy (an AWS
 * ALB takes seconds). Each is evidence from the pod's own lifecycle, reported beside the failures
 * (and failing the run when `rollout.slo.failOnLatentRisks` says so).
 */
import { gracePeriodSeconds, type PodFacts } from "./facts.ts";
import type { FailureClass } from "./types.ts";
import { GRACEFUL_DRAIN_MS } from "./windows.ts";

/** SIGTERM_EXIT_CODE is a container's exit code when SIGTERM's default action ended it (128 + 15). */
const SIGTERM_EXIT_CODE = 143;

/** KilledAtGraceRisk: the pod was killed at the end of its grace period, so what it still had open is cut. */
export interface KilledAtGraceRisk {
  rule: "killed-at-grace";
  pod: string;
  gracePeriodSeconds: number;
  exitCode?: number;
}

/** NoSigtermHandlerRisk: the pod died of SIGTERM (exit 143), cutting whatever was in flight. */
export interface NoSigtermHandlerRisk {
  rule: "no-sigterm-handler";
  pod: string;
  /** From the pod's deletion (SIGTERM) to its exit. */
  exitedAfterMs: number;
}

/** ExitsAtOnceRisk: the pod exited 0 soon after its deletion, with no preStop hook to wait for load balancers. */
export interface ExitsAtOnceRisk {
  rule: "exits-at-once";
  pod: string;
  /** From the pod's deletion (SIGTERM) to its exit. */
  exitedAfterMs: number;
}

/**
 * LatentRisk is one pod's shutdown that would lose traffic under other timing, as data;
 * report/causes.ts (`riskDetail`) says what it means and how to fix it.
 */
export type LatentRisk = KilledAtGraceRisk | NoSigtermHandlerRisk | ExitsAtOnceRisk;

/** The failure classes that already report a risk's fault, when this run did trip it. */
const REPORTED_AS: Record<LatentRisk["rule"], FailureClass[]> = {
  "no-sigterm-handler": ["exits-on-sigterm", "in-flight-cut"],
  "killed-at-grace": ["ignores-sigterm", "grace-too-short"],
  "exits-at-once": ["exits-on-sigterm", "no-prestop-drain", "in-flight-cut"],
};

function riskOf(pod: PodFacts): LatentRisk | undefined {
  if (pod.terminatingAt === undefined || pod.exitedAt === undefined) return undefined;
  const exitedAfterMs = Math.max(0, pod.exitedAt - pod.terminatingAt);
  if (pod.killedAtGrace) {
    return {
      rule: "killed-at-grace",
      pod: pod.name,
      gracePeriodSeconds: gracePeriodSeconds(pod),
      ...(pod.exitCode === undefined ? {} : { exitCode: pod.exitCode }),
    };
  }
  if (pod.exitCode === SIGTERM_EXIT_CODE) return { rule: "no-sigterm-handler", pod: pod.name, exitedAfterMs };
  if (
    pod.exitCode === 0 &&
    pod.hasPreStop === false &&
    pod.exitedAt - pod.terminatingAt < GRACEFUL_DRAIN_MS
  ) {
    return { rule: "exits-at-once", pod: pod.name, exitedAfterMs };
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
