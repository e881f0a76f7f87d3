/**
 * rollout tests a zero-downtime rollout: it holds real traffic of every kind open against an app
 * (probe/), follows the release through the Kubernetes API (watch/), runs a real
 * `helm upgrade --install --wait`, keeps probing while the old pods drain, then judges what the
 * traffic saw against the SLOs (analyze/) and renders the result (report/). No UI here: progress
 * goes to onEvent, the verdict is in the returned report.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { CancelledError, ExternalToolError, errorMessage, UserError } from "../errors.ts";
import { run, which } from "../exec/index.ts";
import { binDir } from "../paths.ts";
import { ensureGoTool } from "../tools/catalog.ts";
import { done, notYet, WaitTimeoutError, waitUntil } from "../wait.ts";
import { type Analysis, analyze, type SloSettings } from "./analyze/index.ts";
import { type ProbeHandle, type ProbeSettings, type ProbeStats, startProbe } from "./probe/index.ts";
import { buildReport, type RolloutReport } from "./report/index.ts";
import type { RolloutRecording, TimelineEvent, TrafficRecord } from "./types.ts";
import { type RolloutWatch, startWatch } from "./watch/index.ts";
import { DEFAULT_STALL_MS, describeStall, findStall, type Stall } from "./watch/stall.ts";

export type { Analysis, FailureClass, FailureGroup, SloResult, SloSettings } from "./analyze/index.ts";
export { analyze, DEFAULT_SLO } from "./analyze/index.ts";
export type { ProbeSettings, ProbeStats } from "./probe/index.ts";
export { startProbe } from "./probe/index.ts";
export {
  buildReport,
  type RolloutReport,
  renderHtml,
  renderJson,
  renderJUnit,
  renderSummary,
} from "./report/index.ts";
export type { RolloutRecording, TimelineEvent, TrafficRecord } from "./types.ts";
export { startWatch } from "./watch/index.ts";

/** RolloutOptions say what to roll out, where, with which traffic, and what counts as success. */
export interface RolloutOptions {
  /** kubeconfig file; default $KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
  /** kubeconfig context (passed to helm as --kube-context too). */
  context?: string;
  namespace: string;
  release: string;
  /** Chart folder or reference. */
  chart: string;
  /** Values files, in order (helm -f). */
  valuesFiles?: string[];
  /** key=value overrides (helm --set), e.g. image.tag=v2. */
  set?: string[];
  /** Base URL the probe sends traffic to (the app's host port). */
  target: string;
  probe: Omit<ProbeSettings, "target">;
  slo?: Partial<SloSettings>;
  /** Selector of the release's objects; default app.kubernetes.io/instance=<release>. */
  labelSelector?: string;
  /** helm binary; default kit's (~/.cache/kit/bin/helm), built if missing. */
  helm?: string;
  /** Limit for helm upgrade --wait. Default 10 minutes. */
  upgradeTimeoutMs?: number;
  /**
   * How long a new pod may stay stuck (ImagePullBackOff, CrashLoopBackOff, ...) before the upgrade
   * is stopped and the run fails with that reason, instead of waiting out upgradeTimeoutMs. Default 30 s.
   */
  stallMs?: number;
  /** Traffic before the upgrade starts; it must succeed. Default 3000. */
  warmupMs?: number;
  /**
   * Traffic after the old pods are gone. Default 5 s; slow requests still in flight then finish
   * while the probe stops (none starts after the old pods are gone). When the old pods outlive
   * their wait, max(5000, slowRequestMs + 2000).
   */
  settleMs?: number;
}

/** RolloutProgress is what runRollout reports while it runs (for a live view). */
export type RolloutProgress =
  | {
      type: "phase";
      time: number;
      phase: "watching" | "warmup" | "upgrading" | "draining" | "settling" | "analyzing";
      message: string;
    }
  | { type: "timeline"; time: number; event: TimelineEvent }
  | { type: "traffic"; time: number; stats: ProbeStats }
  | { type: "failure"; time: number; record: TrafficRecord }
  | { type: "helm-log"; time: number; stream: "stdout" | "stderr"; line: string };

/** RolloutRunOptions are runRollout's cancellation and progress hooks. */
export interface RolloutRunOptions {
  signal?: AbortSignal;
  onEvent?: (event: RolloutProgress) => void;
}

/** RolloutResult is a finished rollout test. ok is the verdict (exit code 0 only when true). */
export interface RolloutResult {
  ok: boolean;
  report: RolloutReport;
  analysis: Analysis;
  recording: RolloutRecording;
  /** Set when helm upgrade itself failed (the traffic verdict is still reported). */
  upgradeError?: ExternalToolError;
}

async function resolveHelm(explicit: string | undefined, signal: AbortSignal | undefined): Promise<string> {
  if (explicit !== undefined) return explicit;
  const found = await which("helm", [binDir()]);
  if (found !== undefined) return found;
  return ensureGoTool("helm", signal === undefined ? {} : { signal });
}

function helmArgs(options: RolloutOptions): string[] {
  const args = ["upgrade", "--install", options.release, options.chart, "--namespace", options.namespace];
  args.push("--wait", "--timeout", `${Math.round((options.upgradeTimeoutMs ?? 600_000) / 1000)}s`);
  for (const file of options.valuesFiles ?? []) args.push("--values", file);
  for (const override of options.set ?? []) args.push("--set", override);
  if (options.kubeconfig !== undefined) args.push("--kubeconfig", options.kubeconfig);
  if (options.context !== undefined) args.push("--kube-context", options.context);
  return args;
}

/** podsStillTerminating counts the pods that began terminating and have neither exited nor gone. */
export function podsStillTerminating(timeline: readonly TimelineEvent[]): number {
  const terminating = new Set(timeline.filter((e) => e.kind === "pod-terminating").map((e) => e.pod));
  for (const e of timeline) if (e.kind === "pod-deleted") terminating.delete(e.pod);
  return terminating.size;
}

/**
 * waitForOldPodsGone waits until every pod that began terminating has exited or been deleted; false
 * when the limit passes or the run is cancelled first (the caller decides what that means).
 */
async function waitForOldPodsGone(
  timeline: readonly TimelineEvent[],
  limitMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  return waitUntil({
    what: "the old pods to exit",
    timeoutMs: limitMs,
    intervalMs: 250,
    signal,
    check: async () => {
      const left = podsStillTerminating(timeline);
      return left === 0 ? done(true) : notYet(`${left} pod(s) still terminating`);
    },
  }).catch((err: unknown) => {
    if (err instanceof WaitTimeoutError || err instanceof CancelledError) return false;
    throw err;
  });
}

/**
 * runRollout starts the watch and the probe, checks that traffic flows, runs
 * `helm upgrade --install --wait`, keeps probing until the old pods are gone plus a settle period,
 * stops, and analyses. It throws UserError when the target is unreachable before the upgrade and
 * CancelledError when cancelled; an upgrade that fails is reported, not thrown.
 */
export async function runRollout(
  options: RolloutOptions,
  run_: RolloutRunOptions = {},
): Promise<RolloutResult> {
  const { signal, onEvent } = run_;
  const now = (): number => Date.now();
  const phase = (p: Extract<RolloutProgress, { type: "phase" }>["phase"], message: string): void =>
    onEvent?.({ type: "phase", time: now(), phase: p, message });
  const helm = await resolveHelm(options.helm, signal);
  const extra: TimelineEvent[] = [];
  const mark = (event: Omit<TimelineEvent, "time">): void => {
    const full = { time: now(), ...event };
    extra.push(full);
    onEvent?.({ type: "timeline", time: full.time, event: full });
  };

  phase("watching", `watching ${options.namespace}/${options.release}`);
  const startedAt = now();
  const watch: RolloutWatch = await startWatch({
    ...(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig }),
    ...(options.context === undefined ? {} : { context: options.context }),
    namespace: options.namespace,
    labelSelector: options.labelSelector ?? `app.kubernetes.io/instance=${options.release}`,
    onEvent: (event) => onEvent?.({ type: "timeline", time: event.time, event }),
  });
  let probe: ProbeHandle | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const stopAll = async (drainMs: number): Promise<TrafficRecord[]> => {
    if (ticker) clearInterval(ticker);
    const records = probe ? await probe.stop({ drainMs }) : [];
    await watch.stop();
    return records;
  };
  const onAbort = (): void => {
    void stopAll(0);
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    phase("warmup", `probing ${options.target}`);
    probe = startProbe(
      { ...options.probe, target: options.target },
      {
        onRecord: (record) => {
          if (record.outcome !== "ok" && record.outcome !== "graceful" && record.outcome !== "stopped") {
            onEvent?.({ type: "failure", time: record.end, record });
          }
        },
      },
    );
    const live = probe;
    ticker = setInterval(() => onEvent?.({ type: "traffic", time: now(), stats: live.stats }), 1000);
    mark({ kind: "probe-started", detail: options.target });
    await sleep(options.warmupMs ?? 3000, undefined, { signal }).catch(() => undefined);
    if (signal?.aborted) throw new CancelledError("rollout test cancelled during warm-up");
    const succeeded =
      Object.values(live.stats).reduce((n, k) => n + k.ok, 0) +
      live.stats.sse.connected +
      live.stats.ws.connected;
    if (succeeded === 0) {
      const sample = live.records.find((r) => r.outcome !== "ok");
      throw new UserError(
        `the app at ${options.target} answered nothing before the upgrade${sample ? ` (${sample.outcome}${sample.error ? ` ${sample.error}` : ""})` : ""}`,
        {
          hint: "Check that the release is installed and reachable on that URL (`kit status`), or set --target.",
        },
      );
    }

    phase("upgrading", `helm upgrade --install ${options.release} ${options.chart}`);
    const upgradeStartedAt = now();
    mark({ kind: "upgrade-started", detail: `helm upgrade --install ${options.release}` });
    let upgradeError: ExternalToolError | undefined;
    // A rollout that cannot progress is stopped as soon as it is seen stuck, with the reason.
    const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    const stalled = new AbortController();
    let stall: Stall | undefined;
    const stallCheck = setInterval(() => {
      stall ??= findStall(watch.timeline, { now: now(), upgradeStartedAt, stallMs });
      if (!stall || stalled.signal.aborted) return;
      mark({
        kind: "upgrade-stalled",
        reason: stall.reason,
        ...(stall.pod === undefined ? {} : { pod: stall.pod }),
        ...(stall.owner === undefined ? {} : { owner: stall.owner }),
        ...(stall.image === undefined ? {} : { image: stall.image }),
        detail: describeStall(stall, stallMs),
      });
      stalled.abort();
    }, 1000);
    try {
      await run(helm, helmArgs(options), {
        signal: signal === undefined ? stalled.signal : AbortSignal.any([signal, stalled.signal]),
        // helm marks the release failed when SIGTERM cancels its upgrade: give it time to.
        killGraceMs: 20_000,
        timeoutMs: (options.upgradeTimeoutMs ?? 600_000) + 60_000,
        onLine: (line, stream) => onEvent?.({ type: "helm-log", time: now(), stream, line }),
        hint: "Run the helm command yourself to see the full output; `kubectl describe` the new pods.",
      });
      mark({ kind: "upgrade-finished" });
    } catch (err) {
      if (signal?.aborted) throw err;
      if (stall && err instanceof CancelledError) {
        upgradeError = new ExternalToolError(
          describeStall(stall, stallMs),
          { command: `helm ${helmArgs(options).join(" ")}`, exitCode: undefined, outputTail: [] },
          { hint: "`kubectl describe pod` the stuck pod; the release was left failed, not half-upgraded." },
        );
      } else if (err instanceof ExternalToolError) {
        upgradeError = err;
        mark({ kind: "upgrade-failed", detail: err.message });
      } else throw err;
    } finally {
      clearInterval(stallCheck);
    }

    phase("draining", "waiting for the old pods to exit");
    const maxGrace = Math.max(30, ...watch.timeline.map((e) => e.gracePeriodSeconds ?? 0));
    const oldPodsGone = await waitForOldPodsGone(watch.timeline, maxGrace * 1000 + 10_000, signal);
    // With no pod stopping, no slow request can be cut: those in flight finish within the settle
    // period, and none started now holds up the verdict by up to one request's length.
    if (oldPodsGone) probe.stopSlowRequests();
    // A failed or stalled upgrade is already the verdict: no settle, and slow requests still in
    // flight on the old pods are stopped rather than awaited (they count as neither ok nor failed).
    const settleMs =
      options.settleMs ??
      (upgradeError ? 0 : oldPodsGone ? 5000 : Math.max(5000, options.probe.slowRequestMs + 2000));
    phase("settling", `probing ${Math.round(settleMs / 1000)} s more`);
    await sleep(settleMs, undefined, { signal }).catch(() => undefined);
    if (signal?.aborted) throw new CancelledError("rollout test cancelled");

    phase("analyzing", "stopping traffic and judging");
    const records = await stopAll(
      upgradeError ? 0 : options.probe.slowRequestMs + (options.probe.requestTimeoutMs ?? 5000),
    );
    mark({ kind: "probe-stopped" });
    const recording: RolloutRecording = {
      startedAt,
      endedAt: now(),
      records: [...records],
      timeline: [...watch.timeline, ...extra].sort((a, b) => a.time - b.time),
      meta: {
        release: options.release,
        namespace: options.namespace,
        chart: options.chart,
        target: options.target,
      },
    };
    const analysis = analyze(recording, options.slo === undefined ? {} : { slo: options.slo });
    const report = buildReport(
      recording,
      analysis,
      upgradeError ? { upgrade: `${stall ? "stalled" : "failed"}: ${upgradeError.message}` } : {},
    );
    const ok = analysis.ok && upgradeError === undefined;
    report.ok = ok;
    return { ok, report, analysis, recording, ...(upgradeError === undefined ? {} : { upgradeError }) };
  } catch (err) {
    await stopAll(0).catch(() => undefined);
    if (signal?.aborted && !(err instanceof CancelledError))
      throw new CancelledError(`rollout test cancelled: ${errorMessage(err)}`);
    throw err;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}
