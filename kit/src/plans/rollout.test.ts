import { describe, expect, it } from "vitest";
import { exitCodeOfPlan } from "../cli/exit.ts";
import { configSchema } from "../config/schema.ts";
import type { KitEvent } from "../engine/events.ts";
import { runPlan } from "../engine/runner.ts";
import type { GateRecord } from "../gate/record.ts";
import type { Evidence } from "../rollout/analyze/index.ts";
import type { RolloutOptions, RolloutResult } from "../rollout/index.ts";
import type { HelmClient } from "../tools/helm/client.ts";
import type { UpgradeRequest } from "../tools/helm/index.ts";
import { type RolloutDeps, type RolloutRequest, rolloutPlan, selectRolloutApps } from "./rollout.ts";
import type { RolloutTarget } from "./targets.ts";

const DIGEST = `sha256:${"d".repeat(64)}`;

const config = configSchema.parse({
  apiVersion: "kit.dev/v1alpha1",
  kind: "Config",
  project: "demo",
  apps: {
    "go-app": { path: "apps/go-app", image: "go-app", chart: "charts/go-app", hostPort: 30080 },
    "node-app": { path: "apps/node-app", image: "node-app", chart: "charts/node-app", hostPort: 30081 },
  },
  environments: { local: { type: "local", terraformDir: "terraform/environments/local" } },
});

const target: RolloutTarget = {
  environment: "local",
  type: "local",
  cluster: { kubeconfigPath: "/kubeconfig", context: "kind-demo" },
  namespace: "demo",
  url: (app) => `http://127.0.0.1:${app === "go-app" ? 30080 : 30081}`,
};

/** LEFT_WITHOUT_PRESTOP is what a failing run found: a connection refused by a pod that left with no preStop hook. */
const LEFT_WITHOUT_PRESTOP: Evidence = {
  rule: "failed-after-leaving",
  class: "no-prestop-drain",
  pod: "go-app-old",
  record: { id: 1, kind: "http-fresh", worker: 0, start: 0, end: 1, outcome: "refused" },
  at: 1,
  sigtermAt: 0,
  hasPreStop: false,
};

function fakeResult(ok: boolean): RolloutResult {
  const totals = { total: 100, ok: ok ? 100 : 97, failed: ok ? 0 : 3, byOutcome: {} };
  return {
    ok,
    report: { ok } as RolloutResult["report"],
    analysis: {
      ok,
      failures: ok ? [] : [{ class: "no-prestop", count: 3, evidence: LEFT_WITHOUT_PRESTOP }],
      totals: { "http-reused": totals, "http-fresh": totals, slow: totals, sse: totals, ws: totals },
    } as unknown as RolloutResult["analysis"],
    recording: { startedAt: 0, endedAt: 1, records: [], timeline: [] },
  };
}

/** fakeWorld records what the plan did through its dependencies. */
function fakeWorld(options: { verdicts?: boolean[]; deployed?: boolean; onRun?: () => Promise<void> } = {}) {
  const calls: string[] = [];
  const upgrades: UpgradeRequest[] = [];
  const records: GateRecord[] = [];
  const rollouts: RolloutOptions[] = [];
  const verdicts = [...(options.verdicts ?? [true, true, true, true])];
  const helm: HelmClient = {
    async getRelease(_c, namespace, release) {
      calls.push(`getRelease ${namespace}/${release}`);
      return options.deployed === false
        ? undefined
        : { name: release, namespace, revision: "3", status: "deployed", chart: release, app_version: "1" };
    },
    async getValues(_c, _n, release) {
      return { service: { image: { registry: "localhost:5001", repository: release, digest: DIGEST } } };
    },
    async upgrade(_c, request) {
      calls.push(`upgrade ${request.release} ${request.valuesFiles.join(",")}`);
      upgrades.push(request);
    },
    history: async () => [],
    rollback: async () => undefined,
  };
  const deps: RolloutDeps = {
    helm,
    async runRollout(rolloutOptions) {
      calls.push(`rollout ${rolloutOptions.release}`);
      rollouts.push(rolloutOptions);
      await options.onRun?.();
      return fakeResult(verdicts.shift() ?? true);
    },
    async waitForPodsGone(_t, selector) {
      calls.push(`wait ${selector}`);
    },
    writeReports: async (base) => ({
      summary: `${base}.txt`,
      json: `${base}.json`,
      junit: `${base}.xml`,
      html: `${base}.html`,
    }),
    writeJson: async (file) => {
      calls.push(`write ${file}`);
    },
    async writeGateRecord(record) {
      records.push(record);
      return `/records/${record.app}.json`;
    },
    faultFile: (chart, fault) => `/repo/${chart}/ci/faults/${fault}.yaml`,
    chartIdentity: async (chart) => ({ name: chart, version: "0.4.0", hash: `sha256:${chart}` }),
    valuesHashes: async () => ({ local: "sha256:local" }),
    now: () => Date.parse("2026-11-30T12:00:00Z"),
    workDir: "/work",
  };
  return { deps, calls, upgrades, records, rollouts };
}

const request = (change: Partial<RolloutRequest> = {}): RolloutRequest => ({
  config,
  root: "/repo",
  apps: ["go-app"],
  target,
  valuesFiles: [],
  set: [],
  runs: 1,
  reportDir: "/reports",
  ...change,
});

describe("rollout plan", () => {
  it("rolls out, records a pass bound to the deployed digest, chart and values, and changes nothing else", async () => {
    const world = fakeWorld();
    const built = rolloutPlan(request({ runs: 2 }), world.deps);
    expect(built.plan.steps.map((s) => s.id)).toEqual([
      "release:go-app",
      "run:go-app#1",
      "run:go-app#2",
      "gate:go-app",
    ]);
    const result = await runPlan(built.plan, { sink: () => undefined });
    expect(result.ok).toBe(true);
    expect(exitCodeOfPlan(result)).toBe(0);
    expect(world.upgrades).toEqual([]);
    expect(world.rollouts.map((r) => [r.target, r.namespace, r.context, r.valuesFiles])).toEqual([
      ["http://127.0.0.1:30080", "demo", "kind-demo", ["/work/local-go-app.deployed-values.json"]],
      ["http://127.0.0.1:30080", "demo", "kind-demo", ["/work/local-go-app.deployed-values.json"]],
    ]);
    expect(world.records).toHaveLength(1);
    expect(world.records[0]).toMatchObject({
      app: "go-app",
      environment: "local",
      verdict: "pass",
      time: "2026-11-30T12:00:00.000Z",
      image: { registry: "localhost:5001", repository: "go-app", digest: DIGEST },
      chart: { hash: "sha256:charts/go-app" },
      values: { local: "sha256:local" },
      overrides: { valuesFiles: [], set: [] },
    });
    expect(world.records[0]?.runs.map((r) => r.ok)).toEqual([true, true]);
  });

  it("with a fault: installs it unmeasured, records the failure (never a pass) and restores the release", async () => {
    const world = fakeWorld({ verdicts: [false] });
    const events: KitEvent[] = [];
    const built = rolloutPlan(request({ fault: "no-prestop" }), world.deps);
    const result = await runPlan(built.plan, { sink: (e) => events.push(e) });
    expect(result.ok).toBe(false);
    expect(exitCodeOfPlan(result)).toBe(1);
    expect(result.statuses).toEqual({
      "release:go-app": "succeeded",
      "prepare:go-app": "succeeded",
      "run:go-app#1": "failed",
      "gate:go-app": "succeeded",
      "restore:go-app": "succeeded",
    });
    expect(world.upgrades.map((u) => u.valuesFiles)).toEqual([
      ["/work/local-go-app.deployed-values.json", "/repo/charts/go-app/ci/faults/no-prestop.yaml"],
      ["/work/local-go-app.deployed-values.json"],
    ]);
    expect(world.records.map((r) => [r.verdict, r.fault])).toEqual([["fail", "no-prestop"]]);
    const verdict = events.find((e) => e.type === "step-data" && e.data.kind === "rollout-result");
    expect(verdict).toMatchObject({ data: { ok: false, failures: [{ class: "no-prestop", count: 3 }] } });
    // The event carries each failure's cause as a sentence, rendered from its evidence.
    expect(verdict).toMatchObject({
      data: {
        failures: [
          {
            cause: expect.stringMatching(/^connection refused right after pod go-app-old .*no preStop hook$/),
          },
        ],
      },
    });
    const failed = events.find((e) => e.type === "step-failed");
    expect(failed).toMatchObject({
      step: "run:go-app#1",
      error: { message: expect.stringMatching(/no-prestop \(3\)/) },
    });
  });

  it("after Ctrl-C during a faulty run: records nothing and still puts the release back", async () => {
    const controller = new AbortController();
    const world = fakeWorld({
      onRun: async () => {
        controller.abort();
        throw new (await import("../errors.ts")).CancelledError();
      },
    });
    const built = rolloutPlan(request({ fault: "no-prestop" }), world.deps);
    const result = await runPlan(built.plan, { sink: () => undefined, signal: controller.signal });
    expect(result.cancelled).toBe(true);
    expect(exitCodeOfPlan(result)).toBe(130);
    expect(result.statuses["restore:go-app"]).toBe("succeeded");
    expect(world.records).toEqual([]);
    expect(world.calls.at(-2)).toBe("upgrade go-app /work/local-go-app.deployed-values.json");
  });

  it("fails with a user error (exit 2) when the app is not deployed, before any upgrade", async () => {
    const world = fakeWorld({ deployed: false });
    const result = await runPlan(rolloutPlan(request(), world.deps).plan, { sink: () => undefined });
    expect(exitCodeOfPlan(result)).toBe(2);
    expect(world.upgrades).toEqual([]);
    expect(world.calls.filter((c) => c.startsWith("rollout"))).toEqual([]);
  });

  it("rolls apps out one after the other", async () => {
    const world = fakeWorld();
    const built = rolloutPlan(request({ apps: ["go-app", "node-app"] }), world.deps);
    await runPlan(built.plan, { sink: () => undefined });
    expect(world.calls.filter((c) => c.startsWith("getRelease") || c.startsWith("rollout"))).toEqual([
      "getRelease demo/go-app",
      "rollout go-app",
      "getRelease demo/node-app",
      "rollout node-app",
    ]);
  });

  it("refuses an unknown app naming the known ones", () => {
    expect(() => rolloutPlan(request({ apps: ["ghost"] }), fakeWorld().deps)).toThrow(/unknown app "ghost"/);
  });
});

describe("selectRolloutApps", () => {
  it("names a container app as one kit rollout does not act on, and an unknown app as unknown", () => {
    const withContainer = configSchema.parse({
      ...config,
      containers: { "data-api": { path: "apps/data-api", image: "data-api", hostPort: 30082 } },
    });
    expect(selectRolloutApps(withContainer, [])).toEqual(["go-app", "node-app"]);
    expect(() => selectRolloutApps(withContainer, ["data-api"])).toThrow(
      /kit rollout: "data-api" is a container app \(containers: in kit.config.yaml\), not a Helm release/,
    );
    expect(() => selectRolloutApps(withContainer, ["nope"])).toThrow(/kit rollout: unknown app "nope"/);
  });
});
