import { describe, expect, it } from "vitest";
import { exitCodeOfPlan } from "../../cli/exit.ts";
import { configSchema } from "../../config/schema.ts";
import { runPlan } from "../../engine/runner.ts";
import type { GateRecord } from "../../gate/record.ts";
import { passingGateRecord } from "../../gate/testing.ts";
import type { Evidence } from "../../rollout/analyze/index.ts";
import type { RolloutResult } from "../../rollout/index.ts";
import type { HelmRevision } from "../../tools/helm/client.ts";
import type { RolloutTarget } from "../targets.ts";
import { promotePlan } from "./plan.ts";
import type { Approval, PromoteDeps, PromoteRequest, PromotionRecord } from "./types.ts";

const DIGEST = `sha256:${"d".repeat(64)}`;
const NOW = Date.parse("2026-11-30T12:00:00Z");

const config = configSchema.parse({
  apiVersion: "kit.dev/v1alpha1",
  kind: "Config",
  project: "demo",
  apps: {
    "go-app": {
      path: "apps/go-app",
      image: "go-app",
      chart: "charts/go-app",
      hostPort: 30080,
      values: { local: ["charts/go-app/values-local.yaml"], dev: ["charts/go-app/values-eks.yaml"] },
    },
  },
  environments: {
    local: { type: "local", terraformDir: "terraform/environments/local" },
    dev: {
      type: "aws",
      terraformDir: "terraform/environments/dev",
      region: "eu-west-1",
      accountId: "123456789012",
      kubeContext: "kit-dev",
      registry: { repositoryPrefix: "kit/" },
      apps: {
        "go-app": {
          url: "https://go.dev.example.com",
          terraformValues: { "service.serviceAccount.irsaRoleArn": "app_role_arns.go-app" },
        },
      },
    },
  },
});
const env = config.environments.dev as Extract<(typeof config.environments)[string], { type: "aws" }>;

const target = (environment: string, context: string, url: string): RolloutTarget => ({
  environment,
  type: environment === "local" ? "local" : "aws",
  cluster: { kubeconfigPath: `/${environment}.kubeconfig`, context },
  namespace: environment === "local" ? "demo" : "apps",
  url: () => url,
});

const gateRecord = (change: Partial<GateRecord> = {}): GateRecord => passingGateRecord(DIGEST, change);

/** STREAM_CUT is what a failing re-gate found: a stream the old pod cut when it got SIGTERM. */
const STREAM_CUT: Evidence = {
  rule: "stream-cut-after-sigterm",
  class: "exits-on-sigterm",
  pod: "go-app-old",
  record: { id: 1, kind: "sse", worker: 0, start: 0, end: 1, outcome: "abrupt" },
  at: 1,
  sigtermAt: 0,
};

function rolloutResult(ok: boolean): RolloutResult {
  return {
    ok,
    report: { ok } as RolloutResult["report"],
    analysis: {
      ok,
      failures: ok ? [] : [{ class: "exits-on-sigterm", count: 5, evidence: STREAM_CUT }],
    } as unknown as RolloutResult["analysis"],
    recording: { startedAt: 0, endedAt: 1, records: [], timeline: [] },
  };
}

interface WorldOptions {
  records?: GateRecord[];
  account?: string;
  history?: HelmRevision[];
  regateOk?: boolean;
  approval?: Approval;
  /** A revision someone else made while the re-gate ran. */
  foreignRevision?: boolean;
}

function fakeWorld(options: WorldOptions = {}) {
  const calls: string[] = [];
  let history: HelmRevision[] = options.history ?? [
    { revision: 1, status: "superseded", chart: "go-app", description: "Install complete" },
    { revision: 2, status: "deployed", chart: "go-app", description: "Upgrade complete" },
  ];
  const registry = new Map<string, string>();
  let written: PromotionRecord | undefined;
  const deps: PromoteDeps = {
    helm: {
      async getRelease(_cluster, namespace, release) {
        return {
          name: release,
          namespace,
          revision: "7",
          status: "deployed",
          chart: "go-app",
          app_version: "1",
        };
      },
      async getValues() {
        return { service: { image: { registry: "localhost:5001", repository: "go-app", digest: DIGEST } } };
      },
      async upgrade(cluster, request) {
        calls.push(`upgrade ${cluster.context} ${request.release}`);
        history = [
          ...history,
          {
            revision: history.length + 1,
            status: "deployed",
            chart: "go-app",
            description: "Install complete",
          },
        ];
      },
      history: async () => history,
      async rollback(_cluster, _namespace, release, revision) {
        calls.push(`rollback ${release} to ${revision}`);
        history = [
          ...history,
          {
            revision: history.length + 1,
            status: "deployed",
            chart: "go-app",
            description: `Rollback to ${revision}`,
          },
        ];
      },
    },
    rollout: {
      async runRollout(o) {
        calls.push(`regate ${o.context} ${o.target} ${o.valuesFiles?.join(",")}`);
        history = [
          ...history,
          {
            revision: history.length + 1,
            status: "deployed",
            chart: "go-app",
            description: "Upgrade complete",
          },
        ];
        if (options.foreignRevision)
          history = [
            ...history,
            { revision: history.length + 1, status: "deployed", chart: "x", description: "by hand" },
          ];
        return rolloutResult(options.regateOk ?? true);
      },
      waitForPodsGone: async () => undefined,
      writeReports: async (base) => ({
        summary: `${base}.txt`,
        json: `${base}.json`,
        junit: `${base}.xml`,
        html: `${base}.html`,
      }),
    },
    gateRecords: async () => options.records ?? [gateRecord()],
    chartIdentity: async () => ({ name: "go-app", version: "0.4.0", hash: "sha256:chart" }),
    valuesHashes: async () => ({ local: "sha256:local", dev: "sha256:dev" }),
    account: {
      callerIdentity: async () => {
        calls.push("sts");
        return {
          account: options.account ?? "123456789012",
          arn: "arn:aws:sts::123456789012:assumed-role/cd",
        };
      },
      ecrCredentials: async (registry) => ({ registry, username: "AWS", password: "token" }),
    },
    terraform: {
      async plan({ out }) {
        calls.push("terraform plan");
        return {
          planFile: out,
          planHash: "sha256:plan",
          changes: true,
          add: 1,
          change: 0,
          destroy: 0,
          resources: [{ address: "aws_iam_role.app", actions: ["create"] }],
        };
      },
      async apply(planFile) {
        calls.push(`terraform apply ${planFile}`);
      },
      outputs: async () => ({
        ecr_registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        app_role_arns: { "go-app": "arn:aws:iam::123456789012:role/go-app" },
      }),
    },
    copier: {
      digestOf: async (ref) => registry.get(ref.split("@")[0] ?? ""),
      async copy(from, to, o) {
        calls.push(`copy ${from} -> ${to} as ${o.auth?.username}`);
        registry.set(to.replace(/:kit-[0-9a-f]+$/, ""), from.split("@")[1] ?? "");
        return from.split("@")[1] ?? "";
      },
    },
    kube: {
      async checkContext(cluster) {
        calls.push(`context ${cluster.context}`);
      },
      runningImageIds: async () => [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/kit/go-app@${DIGEST}`],
    },
    approver: {
      async approve() {
        calls.push("asked for approval");
        return options.approval ?? { approved: true, by: "terminal" };
      },
    },
    async waitForServing(url) {
      calls.push(`serving ${url}`);
    },
    async writeRecord(record) {
      written = structuredClone(record);
      return "/records/promotion.json";
    },
    now: () => NOW,
    workDir: "/work/dev",
  };
  return { deps, calls, written: () => written };
}

const request = (change: Partial<PromoteRequest> = {}): PromoteRequest => ({
  config,
  root: "/repo",
  environment: "dev",
  env,
  apps: ["go-app"],
  target: target("dev", "kit-dev", "https://go.dev.example.com"),
  source: target("local", "kind-demo", "http://127.0.0.1:30080"),
  sourceRegistry: "localhost:5001",
  approved: true,
  dryRun: false,
  reportDir: "/reports",
  ...change,
});

async function promote(world: ReturnType<typeof fakeWorld>, change: Partial<PromoteRequest> = {}) {
  const built = promotePlan(request(change), world.deps);
  const result = await runPlan(built.plan, { sink: () => undefined });
  return { result, code: exitCodeOfPlan(result), record: world.written() };
}

const CHANGES = ["terraform plan", "terraform apply", "copy", "upgrade", "regate", "rollback"];
const changesIn = (calls: string[]) => calls.filter((c) => CHANGES.some((w) => c.startsWith(w)));

describe("promote plan", () => {
  it("checks, plans, applies the approved plan, copies by digest and re-gates the upgrade on the environment", async () => {
    const world = fakeWorld();
    const { code, record } = await promote(world);
    expect(code).toBe(0);
    expect(changesIn(world.calls)).toEqual([
      "terraform plan",
      "terraform apply /work/dev/tfplan",
      `copy localhost:5001/go-app@${DIGEST} -> 123456789012.dkr.ecr.eu-west-1.amazonaws.com/kit/go-app:kit-dddddddddddd as AWS`,
      "regate kit-dev https://go.dev.example.com charts/go-app/values-eks.yaml,/work/dev/go-app.promotion-values.json".replace(
        "charts",
        "/repo/charts",
      ),
    ]);
    expect(record).toMatchObject({
      environment: "dev",
      outcome: "promoted",
      terraform: { planHash: "sha256:plan", applied: true },
      approval: { approved: true, by: "--approve" },
      apps: [
        {
          app: "go-app",
          digest: DIGEST,
          to: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/kit/go-app@${DIGEST}`,
          revisionBefore: 2,
          revisionAfter: 3,
          regate: { ok: true, failures: [] },
          outcome: "promoted",
        },
      ],
    });
  });

  it.each([
    ["no gate record", { records: [] }, /no gate record for go-app at dddddddddddd/],
    [
      "a record for another digest",
      {
        records: [
          gateRecord({ image: { registry: "x", repository: "go-app", digest: `sha256:${"e".repeat(64)}` } }),
        ],
      },
      /passing records exist for other digests: eeeeeeeeeeee/,
    ],
    [
      "values edited since the gate",
      { records: [gateRecord({ values: { local: "sha256:local", dev: "sha256:old" } })] },
      /dev values files of go-app changed/,
    ],
    [
      "a wrong account",
      { account: "999999999999" },
      /belong to account 999999999999 .* not dev's 123456789012/,
    ],
  ])(
    "refuses with %s, exit 1, before changing anything; the record says refused",
    async (_, options, reason) => {
      const world = fakeWorld(options as WorldOptions);
      const { result, code, record } = await promote(world);
      expect(code).toBe(1);
      expect(changesIn(world.calls)).toEqual([]);
      expect(record?.outcome).toBe("refused");
      const messages = Object.values(result.errors).map((e) => (e as Error).message);
      expect(messages.join("\n")).toMatch(reason);
    },
  );

  it("refuses a --context that is not the environment's", async () => {
    const world = fakeWorld();
    const { code, result } = await promote(world, { target: target("dev", "kind-other", "https://x") });
    expect(code).toBe(1);
    expect(String((result.errors.context as Error).message)).toMatch(/kind-other is not dev's \(kit-dev\)/);
    expect(changesIn(world.calls)).toEqual([]);
  });

  it("asks on a terminal without --approve; a no applies nothing", async () => {
    const world = fakeWorld({ approval: { approved: false, by: "terminal" } });
    const { code, record } = await promote(world, { approved: false });
    expect(code).toBe(1);
    expect(world.calls).toContain("asked for approval");
    expect(changesIn(world.calls)).toEqual(["terraform plan"]);
    expect(record?.outcome).toBe("refused");
  });

  it("rolls back to the replaced revision when the re-gate fails, waits until it serves, and exits 1", async () => {
    const world = fakeWorld({ regateOk: false });
    const { code, record, result } = await promote(world);
    expect(code).toBe(1);
    expect(world.calls.slice(-2)).toEqual([
      "rollback go-app to 2",
      "serving https://go.dev.example.com/readyz",
    ]);
    expect(record).toMatchObject({
      outcome: "rolled-back",
      apps: [
        {
          revisionBefore: 2,
          revisionAfter: 3,
          rolledBackTo: 2,
          regate: { ok: false },
          outcome: "rolled-back",
        },
      ],
    });
    expect(String((result.errors["deploy:go-app"] as Error).message)).toMatch(
      /re-gate of go-app on dev failed \(exits-on-sigterm ×5\); rolled back to revision 2/,
    );
  });

  it("does not roll back a release someone else changed meanwhile", async () => {
    const world = fakeWorld({ regateOk: false, foreignRevision: true });
    const { code, record, result } = await promote(world);
    expect(code).toBe(1);
    expect(world.calls.some((c) => c.startsWith("rollback"))).toBe(false);
    expect(record?.outcome).toBe("failed");
    expect(String((result.errors["deploy:go-app"] as Error).message)).toMatch(
      /revision 4 is not the one kit made \(3\)/,
    );
  });

  it("installs without a re-gate when the environment has no release yet", async () => {
    const world = fakeWorld({ history: [] });
    const { code, record } = await promote(world);
    expect(code).toBe(0);
    expect(changesIn(world.calls).at(-1)).toBe("upgrade kit-dev go-app");
    expect(record?.apps[0]).toMatchObject({
      revisionBefore: undefined,
      revisionAfter: 1,
      outcome: "promoted",
    });
  });

  it("--dry-run runs the checks, says what it would do, and changes nothing", async () => {
    const world = fakeWorld();
    const { code, record } = await promote(world, { dryRun: true, approved: false });
    expect(code).toBe(0);
    expect(changesIn(world.calls)).toEqual([]);
    expect(world.calls).toContain("sts");
    expect(record?.outcome).toBe("dry-run");
  });
});
