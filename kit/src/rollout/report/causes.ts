/**
 * The prose: each kind of evidence the analysis returns becomes one sentence, what happened → the
 * likely cause (and the fix), and so does each latent risk. JSON reports, gate records, rollout
 * events and the summary all carry these sentences, so a change here changes what users read.
 */

import type { CutAtKill, Evidence, KilledAtGrace } from "../analyze/evidence.ts";
import type { FailureGroup, LatentRisk } from "../analyze/index.ts";
import { seconds } from "../analyze/stats.ts";
import type { TrafficRecord } from "../types.ts";

/** describeRecord says in a few words how one record failed. */
export function describeRecord(record: TrafficRecord): string {
  if (record.kind === "ws" && record.outcome === "abrupt")
    return `WebSocket closed ${record.closeCode ?? 1006}`;
  if (record.kind === "sse" && record.outcome === "abrupt") return "stream ended without its final event";
  if (record.outcome === "http-error") return `HTTP ${record.status ?? "?"}`;
  if (record.outcome === "refused") return "connection refused";
  if (record.outcome === "reset") return "connection reset";
  if (record.outcome === "timeout") return "timed out";
  return record.error ?? record.outcome;
}

/** cutWhat names the connection a kill cut. */
function cutWhat(record: TrafficRecord): string {
  switch (record.kind) {
    case "slow":
      return `slow request (${seconds(record.end - record.start)} in)`;
    case "sse":
      return "stream";
    case "ws":
      return `WebSocket (close ${record.closeCode ?? 1006})`;
    default:
      return "request";
  }
}

function connection(kind: TrafficRecord["kind"]): string {
  return kind === "ws" ? "WebSocket" : "stream";
}

function killedCause(evidence: CutAtKill): string {
  const exit = evidence.exitCode === undefined ? "" : `, exit code ${evidence.exitCode}`;
  const killed = `${cutWhat(evidence.record)} cut when pod ${evidence.pod} was killed at the end of its ${evidence.gracePeriodSeconds} s grace period${exit}`;
  return evidence.class === "ignores-sigterm"
    ? `${killed}, its streams never got a final event → the app ignores SIGTERM (handle it: fail readiness, drain, close streams with a final event, exit)`
    : `${killed} while still draining → terminationGracePeriodSeconds too short (raise it above the drain delay plus the slowest request)`;
}

function killedAtGraceCause(evidence: KilledAtGrace): string {
  const exit = evidence.exitCode === undefined ? "" : ` (exit ${evidence.exitCode})`;
  const killed = `pod ${evidence.pod} was killed at the end of its ${evidence.gracePeriodSeconds} s grace period${exit}, so whatever it still had open was cut`;
  return evidence.class === "ignores-sigterm"
    ? `${killed}; its streams never got a final event → the app ignores SIGTERM (handle it: fail readiness, drain, close streams with a final event, exit)`
    : `${killed} while it was still shutting down → terminationGracePeriodSeconds too short (raise it above the preStop, the drain delay and the slowest request)`;
}

/** causeOf renders evidence as its cause sentence. */
export function causeOf(evidence: Evidence): string {
  switch (evidence.rule) {
    case "failed-during-outage":
      return `failures while no pod was ready (${seconds(evidence.outage.to - evidence.outage.from)} with 0 ready endpoints) → the rollout took the only ready pod away before its replacement was ready: maxUnavailable > 0 with one replica${evidence.strategy ? ` (${evidence.strategy})` : ""}, or a pod marked ready before it could serve (set maxUnavailable: 0 and maxSurge: 1, and a readiness probe)`;
    case "error-while-warming-up":
      return `pod ${evidence.pod} answered HTTP ${evidence.status} ${seconds(Math.max(0, evidence.at - evidence.readyAt))} after it became ready → it was marked ready before the app could serve: it has no readiness probe (add one on an endpoint that fails until the app is warm)`;
    case "error-status":
      return `${evidence.pod === undefined ? "the target" : `pod ${evidence.pod}`} answered HTTP ${evidence.status}${evidence.whileShuttingDown ? " while shutting down → the app rejects requests during its drain instead of serving them" : ""}`;
    case "cut-at-kill":
      return killedCause(evidence);
    case "killed-at-grace":
      return killedAtGraceCause(evidence);
    case "stream-cut-after-sigterm": {
      const exit = evidence.exitCode === undefined ? "" : `; it exited with code ${evidence.exitCode}`;
      return `${describeRecord(evidence.record)} ${seconds(Math.max(0, evidence.at - evidence.sigtermAt))} after pod ${evidence.pod} got SIGTERM${exit} → the app exits at once on SIGTERM instead of draining (keep serving, end streams with a final event, close WebSockets with 1001)`;
    }
    case "failed-after-ready":
      return `${describeRecord(evidence.record)} ${seconds(Math.max(0, evidence.at - evidence.readyAt))} after pod ${evidence.pod} became ready → the pod was marked ready before the app could serve: ${evidence.hasReadinessProbe === false ? "it has no readiness probe" : "readiness probe missing or passing too early"}`;
    case "failed-near-stream-cutter":
      return `${describeRecord(evidence.record)} ${seconds(Math.max(0, evidence.at - evidence.sigtermAt))} after pod ${evidence.pod} got SIGTERM, and its streams were cut → the app exits at once on SIGTERM instead of draining`;
    case "in-flight-reset": {
      const closedAfter = `closed its connections ${seconds(evidence.at - evidence.sigtermAt)} after SIGTERM`;
      return evidence.record.kind === "http-reused"
        ? `request on a reused keep-alive connection reset as pod ${evidence.pod} ${closedAfter} → the server closed kept-alive connections under in-flight requests (answer with "Connection: close" while draining, and close only idle connections)`
        : `slow request reset as pod ${evidence.pod} ${closedAfter} → the app does not wait for in-flight requests before closing connections`;
    }
    case "failed-after-leaving": {
      const where =
        evidence.endpointRemovedAt !== undefined
          ? `left endpoints (${seconds(Math.max(0, evidence.at - evidence.endpointRemovedAt))} before)`
          : `got SIGTERM (${seconds(Math.max(0, evidence.at - evidence.sigtermAt))} before)`;
      return `${describeRecord(evidence.record)} right after pod ${evidence.pod} ${where} → no preStop drain: the pod stopped accepting connections while kube-proxy and load balancers still sent new ones to it (add a preStop sleep or a drain delay longer than endpoint propagation)${evidence.hasPreStop === false ? "; it has no preStop hook" : ""}`;
    }
    case "unexplained":
      return `${describeRecord(evidence.record)} not near any rollout event → the app or the network failed on its own (look at the app's logs at that time)`;
    case "slow-reconnect":
      return `a ${connection(evidence.kind)} took ${seconds(evidence.reconnectMs)} to reconnect (limit ${seconds(evidence.limitMs)})${evidence.pod ? ` after pod ${evidence.pod} closed it` : ""}${evidence.duringOutage ? " → no ready pod to reconnect to" : " → no other pod accepted new connections in time"}`;
    case "never-reconnected":
      return `a ${connection(evidence.kind)} lost at ${seconds(evidence.lostAt - evidence.runStartedAt)} never reconnected before the run ended → no pod accepted it any more`;
    case "outage":
      return `no pod was ready for ${seconds(evidence.outageMs)} → the rollout took the only ready pod away before its replacement was ready${evidence.strategy ? ` (${evidence.strategy})` : ""}; here kube-proxy kept sending traffic to the terminating pod, but a cloud load balancer deregisters it at once (set maxUnavailable: 0 and maxSurge: 1, or run more replicas)`;
    case "stalled":
      return `${evidence.reason ?? "stalled"}: ${evidence.detail ?? "the new pods did not start"}`;
  }
}

/** riskDetail renders a latent risk as its sentence: what the pod did, why it loses traffic, and the fix. */
export function riskDetail(risk: LatentRisk): string {
  switch (risk.rule) {
    case "killed-at-grace":
      return `pod ${risk.pod} was killed at the end of its ${risk.gracePeriodSeconds} s grace period (exit ${risk.exitCode ?? "?"}): whatever is still open then is cut → drain within the grace period (or raise terminationGracePeriodSeconds above the drain plus the slowest request)`;
    case "no-sigterm-handler":
      return `pod ${risk.pod} died of SIGTERM ${seconds(risk.exitedAfterMs)} after its deletion (exit 143): the app has no SIGTERM handler, so requests in flight at that instant are cut → handle SIGTERM: fail readiness, finish in-flight requests, then exit 0`;
    case "exits-at-once":
      return `pod ${risk.pod} exited ${seconds(risk.exitedAfterMs)} after its deletion, with no preStop hook: a load balancer that stops routing to it later than kube-proxy does (an AWS ALB takes seconds) sends it requests after it is gone → keep serving after SIGTERM (a drain delay, or a preStop sleep) for longer than deregistration takes`;
  }
}

/** ExplainedFailure is a failure group as reports and events carry it: its cause in words, not its evidence. */
export type ExplainedFailure = Omit<FailureGroup, "evidence"> & { cause: string };

/** explainFailure puts a group's cause sentence where its evidence was (the JSON shape reports have always had). */
export function explainFailure(group: FailureGroup): ExplainedFailure {
  const { class: failureClass, pod, reason, evidence, ...counts } = group;
  return {
    class: failureClass,
    ...(pod === undefined ? {} : { pod }),
    ...(reason === undefined ? {} : { reason }),
    cause: causeOf(evidence),
    ...counts,
  };
}

/** ExplainedRisk is a latent risk as reports carry it: its rule, its pod and its sentence. */
export interface ExplainedRisk {
  rule: LatentRisk["rule"];
  pod: string;
  detail: string;
}

/** explainRisk renders a latent risk for a report. */
export function explainRisk(risk: LatentRisk): ExplainedRisk {
  return { rule: risk.rule, pod: risk.pod, detail: riskDetail(risk) };
}
