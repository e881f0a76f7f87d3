import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze, type FailureClass, type FailureGroup } from "../../src/rollout/analyze/index.ts";
import { causeOf, riskDetail } from "../../src/rollout/report/causes.ts";
import type { RolloutRecording } from "../../src/rollout/types.ts";

// Fixtures are recordings of real probe runs against real loopback servers during simulated
// rollouts (support/simulated-rollout.ts); re-record with `npx tsx kit/test/rollout/record-fixtures.ts`.
function fixture(name: string): RolloutRecording {
  return JSON.parse(
    readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), "utf8"),
  ) as RolloutRecording;
}

/** causeOfGroup is the sentence a report gives for a failure group, if there is one. */
function causeOfGroup(group: FailureGroup | undefined): string | undefined {
  return group && causeOf(group.evidence);
}

const OLD_POD = "app-5d8f-old";
const NEW_POD = "app-7c9a-new";

interface Expectation {
  fixture: string;
  /** The class that must explain most failures, and the pod it must name. */
  mainClass: FailureClass;
  pod?: string;
  /** Words the cause sentence must contain. */
  causeMentions: RegExp;
  failingSlos: string[];
}

const FAULTS: Expectation[] = [
  {
    fixture: "no-prestop-drain",
    mainClass: "no-prestop-drain",
    pod: OLD_POD,
    causeMentions: /left endpoints.*no preStop drain/,
    failingSlos: ["failed-requests"],
  },
  {
    fixture: "exits-on-sigterm",
    mainClass: "exits-on-sigterm",
    pod: OLD_POD,
    causeMentions: /got SIGTERM.*exits at once on SIGTERM/,
    failingSlos: ["abrupt-stream-closes", "abrupt-websocket-closes"],
  },
  {
    fixture: "ignores-sigterm",
    mainClass: "ignores-sigterm",
    pod: OLD_POD,
    causeMentions: /killed at the end of its 3 s grace period.*ignores SIGTERM/,
    failingSlos: ["abrupt-stream-closes", "abrupt-websocket-closes"],
  },
  {
    fixture: "grace-too-short",
    mainClass: "grace-too-short",
    pod: OLD_POD,
    causeMentions:
      /slow request .* cut when pod .* killed at the end of its 2 s grace period.*terminationGracePeriodSeconds too short/,
    failingSlos: ["slow-requests-complete"],
  },
  {
    fixture: "no-ready-pod",
    mainClass: "no-ready-pod",
    causeMentions:
      /no pod was ready.*maxUnavailable > 0 with one replica \(replicas 1, maxUnavailable 1, maxSurge 0\)/,
    failingSlos: ["failed-requests", "slow-requests-complete", "reconnect-time"],
  },
  {
    fixture: "no-readiness-probe",
    mainClass: "no-readiness-probe",
    pod: NEW_POD,
    causeMentions: /after pod app-7c9a-new became ready.*no readiness probe/,
    failingSlos: ["failed-requests"],
  },
  {
    fixture: "pod-error-status",
    mainClass: "pod-error-status",
    pod: OLD_POD,
    causeMentions: /answered HTTP 503 while shutting down/,
    failingSlos: ["failed-requests"],
  },
  {
    fixture: "in-flight-cut",
    mainClass: "in-flight-cut",
    pod: OLD_POD,
    causeMentions: /reused keep-alive connection reset as pod app-5d8f-old closed its connections/,
    failingSlos: ["failed-requests"],
  },
  {
    fixture: "unexplained",
    mainClass: "unexplained",
    causeMentions: /not near any rollout event/,
    failingSlos: ["failed-requests"],
  },
];

describe("analyze on recorded rollouts", () => {
  it("passes the correct rollout: every SLO holds, no failures", () => {
    const analysis = analyze(fixture("clean"));
    expect(analysis.failures).toEqual([]);
    expect(analysis.slos.map((s) => [s.id, s.ok])).toEqual([
      ["failed-requests", true],
      ["abrupt-stream-closes", true],
      ["abrupt-websocket-closes", true],
      ["slow-requests-complete", true],
      ["reconnect-time", true],
      ["rollout-observed", true],
      ["ready-pod-always", true],
      ["exits-within-grace", true],
    ]);
    expect(analysis.ok).toBe(true);
    // Streams and WebSockets on the old pod ended gracefully and came back on the new one.
    expect(analysis.totals.sse.byOutcome.graceful).toBeGreaterThan(0);
    expect(analysis.totals.ws.byOutcome.graceful).toBeGreaterThan(0);
    expect(analysis.reconnects.count).toBeGreaterThan(0);
    expect(analysis.latency["http-reused"].count).toBeGreaterThan(100);
  });

  for (const expectation of FAULTS) {
    it(`fails ${expectation.fixture} and names the cause`, () => {
      const analysis = analyze(fixture(expectation.fixture));
      expect(analysis.ok).toBe(false);
      const main = analysis.failures[0];
      expect(main?.class, JSON.stringify(analysis.failures.map((f) => [f.class, f.count]))).toBe(
        expectation.mainClass,
      );
      if (expectation.pod) expect(main?.pod).toBe(expectation.pod);
      expect(causeOfGroup(main)).toMatch(expectation.causeMentions);
      const failing = analysis.slos.filter((s) => !s.ok).map((s) => s.id);
      for (const id of expectation.failingSlos) expect(failing).toContain(id);
    });
  }

  describe("latent risks: a pod's shutdown that loses traffic under other timing", () => {
    /** The clean recording with the old pod's exit changed: after ms, with code. */
    const exiting = (ms: number, exitCode: number, preStop = false): RolloutRecording => {
      const recording = fixture("clean");
      const sigtermAt =
        recording.timeline.find((e) => e.kind === "pod-terminating" && e.pod === OLD_POD)?.time ?? 0;
      return {
        ...recording,
        timeline: recording.timeline.map((e) => {
          if (e.pod !== OLD_POD) return e;
          if (e.kind === "container-terminated") return { ...e, time: sigtermAt + ms, exitCode };
          if (e.kind === "pod-deleted") return { ...e, time: sigtermAt + ms };
          if (e.kind === "pod-created") return { ...e, hasPreStop: preStop };
          return e;
        }),
      };
    };

    it("reports none for the correct rollout", () => {
      expect(analyze(fixture("clean")).risks).toEqual([]);
    });

    it("reports a pod that died of SIGTERM though no request was in flight, and passes unless the SLO says fail", () => {
      const recording = exiting(1700, 143);
      const analysis = analyze(recording);
      expect(analysis.ok).toBe(true);
      expect(analysis.risks.map((r) => [r.rule, r.pod])).toEqual([["no-sigterm-handler", OLD_POD]]);
      expect(analysis.risks.map(riskDetail)[0]).toMatch(/no SIGTERM handler/);
      const strict = analyze(recording, { slo: { failOnLatentRisks: true } });
      expect(strict.ok).toBe(false);
      expect(strict.slos.find((s) => s.id === "no-latent-risks")).toMatchObject({ ok: false, observed: 1 });
    });

    it("reports a pod that exited at once without a preStop hook, and not one with a hook", () => {
      expect(analyze(exiting(200, 0)).risks.map((r) => r.rule)).toEqual(["exits-at-once"]);
      expect(analyze(exiting(200, 0, true)).risks).toEqual([]);
    });

    it("fails a run in which a pod was killed at the end of its grace period, though the kill cut nothing", () => {
      const recording = exiting(10_000, 137);
      const analysis = analyze(recording);
      expect(analysis.ok).toBe(false);
      expect(analysis.slos.find((s) => s.id === "exits-within-grace")).toMatchObject({
        ok: false,
        observed: 1,
      });
      expect(analysis.failures.map((f) => [f.class, f.pod])).toEqual([["grace-too-short", OLD_POD]]);
      expect(causeOfGroup(analysis.failures[0])).toMatch(
        /pod .* was killed at the end of its \d+ s grace period \(exit 137\).*terminationGracePeriodSeconds too short/,
      );
      expect(analysis.risks).toEqual([]);
      // Where the SLO allows it, the same shutdown is a latent risk: reported, not failing.
      const lenient = analyze(recording, { slo: { requireExitWithinGrace: false } });
      expect(lenient.ok).toBe(true);
      expect(lenient.risks.map((r) => r.rule)).toEqual(["killed-at-grace"]);
      expect(analyze(fixture("clean")).slos.find((s) => s.id === "exits-within-grace")?.ok).toBe(true);
    });

    it("names a pod killed at grace once: a cut the kill caused already names its class", () => {
      const failed = analyze(fixture("grace-too-short"));
      const graceGroups = failed.failures.filter((f) => f.class === "grace-too-short");
      expect(graceGroups.length).toBeGreaterThan(0);
      expect(new Set(graceGroups.map((f) => f.pod)).size).toBe(graceGroups.length);
      expect(failed.risks.filter((r) => r.rule === "killed-at-grace")).toEqual([]);
    });
  });

  it("never says a pod exits at once on SIGTERM when it kept serving well after the cut", () => {
    // The exits-on-sigterm recording, changed so the old pod answers requests for 15 s after its
    // SIGTERM and then exits 0: the streams it cut are still failures, but not of that cause.
    const recording = fixture("exits-on-sigterm");
    expect(analyze(recording).failures[0]?.class).toBe("exits-on-sigterm");
    const sigtermAt =
      recording.timeline.find((e) => e.kind === "pod-terminating" && e.pod === OLD_POD)?.time ?? 0;
    const exitAt = sigtermAt + 15_000;
    const served = Array.from({ length: 28 }, (_, i) => ({
      id: 900_000 + i,
      kind: "http-fresh" as const,
      worker: 0,
      start: sigtermAt + 500 * (i + 1) - 5,
      end: sigtermAt + 500 * (i + 1),
      outcome: "ok" as const,
      status: 200,
      pod: OLD_POD,
    }));
    const drained: RolloutRecording = {
      ...recording,
      timeline: recording.timeline.map((e) =>
        e.pod === OLD_POD && (e.kind === "container-terminated" || e.kind === "pod-deleted")
          ? { ...e, time: exitAt, exitCode: e.kind === "container-terminated" ? 0 : e.exitCode }
          : e,
      ),
      records: [...recording.records, ...served],
    };
    const analysis = analyze(drained);
    expect(analysis.ok).toBe(false);
    expect(analysis.failures.map((f) => f.class)).not.toContain("exits-on-sigterm");
    expect(analysis.failures.map((f) => causeOf(f.evidence)).join("\n")).not.toMatch(/exits at once/);
  });

  it("blames the missing readiness probe for 503s from a pod still warming up after it joined the endpoints", () => {
    // The recording of a pod without a readiness probe, with its failures turned into what an app
    // in its warm-up answers (WARMUP_MS): HTTP 503 from the new pod, just after it became ready.
    const recording = fixture("no-readiness-probe");
    const readyAt = recording.timeline.find((e) => e.kind === "pod-ready" && e.pod === NEW_POD)?.time ?? 0;
    const warming = {
      ...recording,
      records: recording.records.map((r) =>
        r.outcome === "ok" || r.end < readyAt
          ? r
          : { ...r, outcome: "http-error" as const, status: 503, pod: NEW_POD, error: undefined },
      ),
    };
    const analysis = analyze(warming);
    expect(analysis.ok).toBe(false);
    const main = analysis.failures[0];
    expect(main?.class).toBe("no-readiness-probe");
    expect(main?.pod).toBe(NEW_POD);
    expect(causeOfGroup(main)).toMatch(/answered HTTP 503 .* after it became ready .*no readiness probe/);
    // The same 503s from a pod that has a readiness probe are the pod's own errors.
    const probed = {
      ...warming,
      timeline: warming.timeline.map((e) =>
        e.kind === "pod-created" && e.pod === NEW_POD ? { ...e, hasReadinessProbe: true } : e,
      ),
    };
    expect(analyze(probed).failures[0]?.class).toBe("pod-error-status");
  });

  it("fails a run with no ready pod for a while even when no request failed (a cloud load balancer would have)", () => {
    const recording = fixture("no-ready-pod");
    const quiet = {
      ...recording,
      records: recording.records.map((r) => ({
        ...r,
        outcome: r.kind === "sse" || r.kind === "ws" ? ("graceful" as const) : ("ok" as const),
        error: undefined,
        status: r.kind === "sse" || r.kind === "ws" ? r.status : 200,
        reconnectMs: undefined,
        closeCode: r.kind === "ws" ? 1001 : undefined,
      })),
    };
    const analysis = analyze(quiet);
    const slo = analysis.slos.find((s) => s.id === "ready-pod-always");
    expect(slo?.ok).toBe(false);
    expect(slo?.observed).toBeGreaterThan(0);
    expect(analysis.ok).toBe(false);
    const outage = analysis.failures.find((f) => f.class === "no-ready-pod");
    expect(causeOfGroup(outage)).toMatch(/no pod was ready for .* maxUnavailable: 0/);
    expect(
      analysis.failures.find((f) => f.class === "no-ready-pod" && f.count > 0 && f.recordIds.length > 0),
    ).toBeUndefined();
  });

  it("names slow reconnects when no pod is ready to take them", () => {
    const analysis = analyze(fixture("no-ready-pod"));
    const slow = analysis.failures.find((f) => f.class === "slow-reconnect");
    expect(causeOfGroup(slow)).toMatch(/took .* to reconnect .*no ready pod/);
    expect(analysis.noReadyIntervals.length).toBeGreaterThan(0);
  });

  it("fails a run in which no pod was replaced, since it tested nothing", () => {
    const recording = fixture("clean");
    const idle = { ...recording, timeline: recording.timeline.filter((e) => e.kind !== "pod-terminating") };
    const analysis = analyze(idle);
    expect(analysis.slos.find((s) => s.id === "rollout-observed")?.ok).toBe(false);
    expect(analysis.ok).toBe(false);
    expect(analyze(idle, { requireRollout: false }).ok).toBe(true);
  });

  it("fails a stalled upgrade on that alone, naming the Kubernetes reason, pod and message", () => {
    const recording = fixture("clean");
    const stalledAt = recording.startedAt + 5000;
    const stalled = {
      ...recording,
      timeline: [
        ...recording.timeline,
        {
          time: stalledAt,
          kind: "upgrade-stalled" as const,
          pod: NEW_POD,
          reason: "ImagePullBackOff",
          image: "localhost:5001/nope:1",
          detail: "the rollout cannot progress: pod app-7c9a-new stayed ImagePullBackOff for 30 s",
        },
      ],
    };
    const analysis = analyze(stalled, { requireRollout: false });
    expect(analysis.ok).toBe(false);
    expect(analysis.slos.find((s) => s.id === "rollout-progressed")).toMatchObject({ ok: false });
    const stall = analysis.failures.find((f) => f.class === "rollout-stalled");
    expect(stall).toMatchObject({ pod: NEW_POD, reason: "ImagePullBackOff" });
    expect(causeOfGroup(stall)).toMatch(/^ImagePullBackOff: .*stayed ImagePullBackOff/);
    expect(analyze(recording).failures.some((f) => f.class === "rollout-stalled")).toBe(false);
  });

  it("honours SLO limits from the config", () => {
    const analysis = analyze(fixture("pod-error-status"), { slo: { maxFailedRequests: 1000 } });
    expect(analysis.slos.find((s) => s.id === "failed-requests")?.ok).toBe(true);
  });

  it("is pure: the same recording gives the same analysis", () => {
    const recording = fixture("ignores-sigterm");
    const copy = structuredClone(recording);
    expect(analyze(recording)).toEqual(analyze(copy));
    expect(recording).toEqual(copy);
  });

  it("buckets every second of the run for plotting", () => {
    const recording = fixture("no-ready-pod");
    const analysis = analyze(recording);
    expect(analysis.buckets.length).toBe(Math.ceil((recording.endedAt - recording.startedAt) / 1000));
    expect(analysis.buckets.some((b) => b.readyPods === 0)).toBe(true);
    expect(analysis.buckets.some((b) => b.failed["http-reused"] > 0)).toBe(true);
    expect(analysis.buckets.some((b) => b.p99 > 0)).toBe(true);
  });
});
