import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.ts";
import { fakeDevSyncDeps } from "../dev/sync/testing.ts";
import type { KitEvent } from "../engine/events.ts";
import { linkId, type Plan } from "../engine/plan.ts";
import { runPlan } from "../engine/runner.ts";
import { openLocalEnvironment } from "../environment/state.ts";
import { releaseLockWhenFinished } from "../environment/steps.ts";
import { type AppImage, appImageRef } from "../images/apps.ts";
import type { RunningAwsEmulator } from "../providers/aws/index.ts";
import type { ClusterProvider, LocalCluster } from "../providers/cluster/index.ts";
import type { RunningDatabase } from "../providers/database/index.ts";
import type { RunningPostgres } from "../providers/postgres/index.ts";
import type { Registry } from "../providers/registry/index.ts";
import type { HelmRevision } from "../tools/helm/client.ts";
import type { HelmRelease } from "../tools/helm/index.ts";
import type { ReleaseRecord } from "./release-state.ts";
import { runsEveryTime, type UpDeps, upPlan } from "./up.ts";

const config = configSchema.parse({
  apiVersion: "kit.dev/v1alpha1",
  kind: "Config",
  // Unique: preparing an environment also tidies kit's cache under this name.
  project: `up-test-${process.pid}`,
  apps: {
    "go-app": { path: "apps/go-app", image: "go-app", chart: "charts/go-app", hostPort: 30080 },
    "node-app": {
      path: "apps/node-app",
      image: "node-app",
      chart: "charts/node-app",
      hostPort: 30081,
      usesDatabase: true,
    },
  },
  environments: { local: { type: "local", terraformDir: "terraform/environments/local" } },
});

const unused = (): never => {
  throw new Error("kit up does not call this");
};

/**
 * fakeWorld is a machine kit up acts on, kept in memory: what exists (tools, images, containers,
 * the cluster, pushed tags, Terraform's apply, Helm releases) and a journal of every change made
 * to it. Checks look at the same state, so a second run sees what the first made.
 */
function fakeWorld() {
  const changes: string[] = [];
  const failing = new Set<string>();
  const sourceHashes = new Map<string, string>();
  const has = new Set<string>();
  const images = new Set<string>();
  const tags = new Map<string, string>();
  const releases = new Map<string, HelmRelease>();
  const history = new Map<string, HelmRevision[]>();
  const records = new Map<string, ReleaseRecord>();
  let terraform: { emulator: string; outputs: Record<string, unknown> } | undefined;
  const containers = new Map<string, string>();
  /** make notes a change unless what exists already (returning whether it made it); a failing dependency throws. */
  const make = (what: string, dep: string): boolean => {
    if (failing.has(dep)) throw new Error(`${dep} failed`);
    if (has.has(what)) return false;
    has.add(what);
    changes.push(what);
    return true;
  };
  const cluster = { kubeconfigPath: "/env/kubeconfig", context: `kind-${config.project}` };
  const provider: ClusterProvider = {
    kind: "kind",
    name: config.project,
    ensure: unused,
    exists: unused,
    delete: unused,
    ref: () => cluster,
    nodes: unused,
  };
  const container = (name: string) => ({
    containerName: name,
    containerId: `${name}-id`,
    async connectToNetwork(network: string) {
      make(`connect ${name} to ${network}`, "connectToNetwork");
    },
    stop: unused,
    remove: unused,
  });
  const container_ = (name: string) => {
    const { containerName, connectToNetwork, stop, remove } = container(name);
    return { containerName, connectToNetwork, stop, remove };
  };
  const deps: UpDeps = {
    async checkTools() {
      return has.has("tools")
        ? []
        : [
            {
              name: "kind",
              required: true,
              wants: "v0.30.0",
              found: {},
              status: "missing",
              fix: "go",
              purpose: "",
            },
          ];
    },
    async fixTools() {
      make("tools", "fixTools");
      return { ok: true, cancelled: false, statuses: { kind: "succeeded" }, errors: {}, results: {} };
    },
    findPortHolder: async () => undefined,
    images: {
      resolveImageSource: async () => "upstream",
      appSourceHash: async (_root, path) => sourceHashes.get(path) ?? `src-${path.replace(/\W/g, "")}`,
      imageExists: async (ref) => images.has(ref),
      async ensureAppImage(options) {
        const hash = sourceHashes.get(options.path) ?? `src-${options.path.replace(/\W/g, "")}`;
        const ref = appImageRef(options.image, hash);
        make(`build ${ref}`, "ensureAppImage");
        images.add(ref);
        return { ref, sourceHash: hash };
      },
    },
    async ensureLocalRegistry(options): Promise<Registry> {
      const created = make("registry", "ensureLocalRegistry");
      const hostEndpoint = `localhost:${options.registryHostPort}`;
      return {
        name: options.registryName ?? "registry",
        image: "registry:3",
        hostPort: options.registryHostPort ?? 5001,
        network: "kind",
        hostEndpoint,
        clusterEndpoint: hostEndpoint,
        networkEndpoint: "http://registry:5000",
        created,
      };
    },
    async ensureClusterOnly(options): Promise<LocalCluster> {
      const created = make(`cluster ${options.name}`, "ensureClusterOnly");
      const nodes = [{ name: "control-plane", ready: true, container: "control-plane" }];
      return {
        provider,
        cluster: { ...cluster, name: options.name ?? "", created, nodes, createSeconds: 1, readySeconds: 1 },
      };
    },
    async connectLocalRegistry(registry) {
      make(`connect ${registry.name} to the nodes`, "connectLocalRegistry");
    },
    async startAwsEmulator(options): Promise<RunningAwsEmulator> {
      const reused = !make("aws emulator", "startAwsEmulator");
      return {
        ...container("aws"),
        provider: "moto",
        endpoint: `http://127.0.0.1:${options.hostPort}`,
        clusterEndpoint: "http://aws:5000",
        region: options.region ?? "us-east-1",
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
        startedAt: "2026-01-01T00:00:00Z",
        reused,
        readyServices: [],
        hooksRun: [],
        resetEndpoint: "http://aws:5000/moto-api/reset",
        reset: unused,
      };
    },
    async startDatabase(options): Promise<RunningDatabase> {
      const reused = !make("database", "startDatabase");
      return {
        ...container("database"),
        provider: "mongo",
        url: `mongodb://127.0.0.1:${options.hostPort}/app`,
        clusterUrl: "mongodb://database:27017/app",
        volume: "data",
        reused,
        unsupported: [],
      };
    },
    async startPostgres(options): Promise<RunningPostgres> {
      const reused = !make("postgres", "startPostgres");
      const container = `kit-${options.project}-postgres`;
      return {
        ...container_(container),
        url: `postgres://${options.user}:${options.password}@127.0.0.1:${options.hostPort}/${options.database}`,
        networkUrl: `postgres://${options.user}:${options.password}@${container}:5432/${options.database}`,
        host: "127.0.0.1",
        hostPort: options.hostPort ?? 5432,
        user: options.user,
        password: options.password,
        database: options.database,
        volume: "pg-data",
        reused,
      };
    },
    registryManifestDigest: async (_host, repository, tag) => tags.get(`${repository}:${tag}`),
    async pushImage(registry, _localRef, repository, tag) {
      const digest = `sha256:${createHash("sha256").update(`${repository}:${tag}`).digest("hex")}`;
      make(`push ${repository}:${tag}`, "pushImage");
      tags.set(`${repository}:${tag}`, digest);
      return { ref: `${registry.hostEndpoint}/${repository}:${tag}`, digest };
    },
    providerMirrorReady: () => has.has("aws provider"),
    findTerraformBinary: async () => (has.has("tofu") ? { path: "/bin/tofu", flavor: "tofu" } : undefined),
    async ensureProviderMirror() {
      const built = make("aws provider", "ensureProviderMirror");
      return { dir: "/mirror", cliConfigFile: "/kit.tfrc", awsVersion: "6.0.0", built };
    },
    async resolveTerraformBinary() {
      make("tofu", "resolveTerraformBinary");
      return { path: "/bin/tofu", flavor: "tofu" };
    },
    unchangedLocalTerraform: async (options) =>
      terraform?.emulator === options.emulator.containerId ? terraform.outputs : undefined,
    async applyLocalTerraform(options) {
      if (failing.has("applyLocalTerraform")) throw new Error("applyLocalTerraform failed");
      changes.push(`terraform apply ${options.dir}`);
      terraform = { emulator: options.emulator.containerId, outputs: { queue_url: "http://aws:5000/q" } };
      return terraform.outputs;
    },
    helm: {
      getRelease: async (_cluster, _namespace, release) => releases.get(release),
      async upgrade(_cluster, request) {
        if (failing.has("upgrade")) throw new Error("upgrade failed");
        const current = releases.get(request.release);
        if (current?.status.startsWith("pending-"))
          throw new Error("another operation (install/upgrade/rollback) is in progress");
        const revision = String(Number(current?.revision ?? 0) + 1);
        const devrun =
          request.setTyped?.["service.devSync.enabled"] === "true"
            ? `, devrun ${request.set["service.devSync.command[0]"]}`
            : "";
        changes.push(`helm upgrade ${request.release} (revision ${revision}${devrun})`);
        const release = {
          name: request.release,
          namespace: request.namespace,
          revision,
          status: "deployed",
          chart: request.chart,
          app_version: "1",
        };
        releases.set(request.release, release);
        history.set(request.release, [
          ...(history.get(request.release) ?? []).map((r) => ({ ...r, status: "superseded" })),
          {
            revision: Number(revision),
            status: "deployed",
            chart: request.chart,
            description: "Upgrade complete",
          },
        ]);
      },
      history: async (_cluster, _namespace, release) => history.get(release) ?? [],
      async rollback(_cluster, _namespace, release, revision) {
        const current = releases.get(release);
        if (!current) throw new Error(`no release ${release}`);
        const next = String(Number(current.revision) + 1);
        changes.push(`helm rollback ${release} to ${revision} (revision ${next})`);
        releases.set(release, { ...current, revision: next, status: "deployed" });
      },
    },
    releaseInputsHash: async (chart, valuesFiles, values) =>
      createHash("sha256").update(JSON.stringify({ chart, valuesFiles, values })).digest("hex"),
    readReleaseRecord: async (_file, app) => records.get(app),
    async writeReleaseRecord(_file, app, record) {
      records.set(app, record);
    },
    waitForHttpReady: async () => undefined,
    devSync: fakeDevSyncDeps(),
    containers: {
      // The same spec is the same container (reused); another one replaces it.
      async startContainer(spec) {
        const key = JSON.stringify(spec);
        const reused = containers.get(spec.name) === key;
        if (!reused) {
          changes.push(`run ${spec.name} from ${spec.image}`);
          containers.set(spec.name, key);
        }
        return {
          id: `${spec.name}-id`,
          name: spec.name,
          host: "127.0.0.1",
          hostPort: spec.hostPort ?? 0,
          reused,
        };
      },
    },
  };
  return {
    deps,
    changes,
    failing,
    sourceHashes,
    releases,
    devSync: deps.devSync as ReturnType<typeof fakeDevSyncDeps>,
    containers,
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** newEnvironment opens an environment whose state folder and lock are in a temp dir. */
function newEnvironment() {
  const dir = mkdtempSync(join(tmpdir(), "kit-up-plan-"));
  dirs.push(dir);
  const root = join(dir, "checkout");
  const environment = openLocalEnvironment(
    config.project,
    { command: "kit up", checkout: root },
    { env: { KIT_CACHE_DIR: join(dir, "cache") } },
  );
  return { root, environment };
}

async function run(plan: Plan, environment: ReturnType<typeof newEnvironment>["environment"]) {
  const events: KitEvent[] = [];
  const release = releaseLockWhenFinished(environment.lock);
  const result = await runPlan(plan, {
    sink: (event) => {
      events.push(event);
      release(event);
    },
  });
  const changed = events.flatMap((e) => (e.type === "step-succeeded" && e.changed ? [e.step] : []));
  return { result, events, changed };
}

describe("upPlan", () => {
  it("wires the up graph: shared steps outside the lock, one image, push, release and readiness per app", () => {
    const { root, environment } = newEnvironment();
    const plan = upPlan({ config, root, environment }, fakeWorld().deps);
    const graph = Object.fromEntries(plan.steps.map((s) => [s.id, (s.needs ?? []).map(linkId)]));
    const underLock = ["environment", "toolchain", "image-source", "ports"];
    const app = (name: string) => ({
      [`image:${name}`]: ["toolchain", "image-source"],
      [`push:${name}`]: ["environment", `image:${name}`, "registry"],
      [`deploy:${name}`]: [
        "environment",
        `push:${name}`,
        "terraform",
        "networks",
        "cluster",
        "database",
        "aws-emulator",
        "registry",
      ],
      [`ready:${name}`]: ["environment", `deploy:${name}`, "cluster"],
    });
    expect(graph).toEqual({
      environment: [],
      toolchain: [],
      ports: ["environment"],
      "image-source": [],
      registry: underLock,
      cluster: underLock,
      "aws-emulator": underLock,
      database: underLock,
      networks: ["environment", "cluster", "registry", "aws-emulator", "database"],
      "terraform-tools": ["environment", "toolchain"],
      terraform: ["environment", "toolchain", "aws-emulator", "terraform-tools"],
      ...app("go-app"),
      ...app("node-app"),
    });
  });

  it("makes everything on a first run, and changes nothing on a second", async () => {
    const { root, environment } = newEnvironment();
    const world = fakeWorld();
    const first = await run(upPlan({ config, root, environment }, world.deps), environment);
    expect(first.result.ok).toBe(true);
    const goRef = appImageRef("go-app", "src-appsgoapp");
    const nodeRef = appImageRef("node-app", "src-appsnodeapp");
    expect([...world.changes].sort()).toEqual(
      [
        "tools",
        "registry",
        `cluster ${config.project}`,
        "aws emulator",
        "database",
        `connect ${config.project}-registry to the nodes`,
        "connect aws to kind",
        "connect database to kind",
        "aws provider",
        "tofu",
        "terraform apply terraform/environments/local",
        `build ${goRef}`,
        `build ${nodeRef}`,
        "push go-app:src-appsgoapp",
        "push node-app:src-appsnodeapp",
        "helm upgrade go-app (revision 1)",
        "helm upgrade node-app (revision 1)",
      ].sort(),
    );
    expect(Object.values(first.result.statuses).every((s) => s === "succeeded")).toBe(true);

    world.changes.length = 0;
    const second = await run(upPlan({ config, root, environment }, world.deps), environment);
    expect(second.result.ok).toBe(true);
    expect(world.changes).toEqual([]);
    // Only the steps that run every time report a change: networks (idempotent) and readiness.
    expect(second.changed.sort()).toEqual(["networks", "ready:go-app", "ready:node-app"]);
    const deployed = second.events.find((e) => e.type === "step-succeeded" && e.step === "deploy:go-app");
    expect(deployed).toMatchObject({ changed: false, summary: "revision 1 up to date" });
  });

  it("after a change to one app's source, rebuilds, pushes and redeploys that app only", async () => {
    const { root, environment } = newEnvironment();
    const world = fakeWorld();
    await run(upPlan({ config, root, environment }, world.deps), environment);
    world.changes.length = 0;
    world.sourceHashes.set("apps/go-app", "src-edited");
    const again = await run(upPlan({ config, root, environment }, world.deps), environment);
    expect(again.result.ok).toBe(true);
    expect(world.changes).toEqual([
      `build ${appImageRef("go-app", "src-edited")}`,
      "push go-app:src-edited",
      "helm upgrade go-app (revision 2)",
    ]);
  });

  it("keepImages (kit dev, a values change) deploys the last image although the sources changed", async () => {
    const { root, environment } = newEnvironment();
    const world = fakeWorld();
    const first = await run(upPlan({ config, root, environment }, world.deps), environment);
    const image = first.result.results["image:go-app"] as AppImage;
    world.changes.length = 0;
    world.sourceHashes.set("apps/go-app", "src-synced");
    const again = await run(
      upPlan({ config, root, environment, keepImages: { "go-app": image } }, world.deps),
      environment,
    );
    expect(again.result.ok).toBe(true);
    expect(world.changes).toEqual([]);
    expect(again.result.results["image:go-app"]).toEqual(image);
  });

  it("rolls back a release an interrupted helm left pending, then upgrades it", async () => {
    const { root, environment } = newEnvironment();
    const world = fakeWorld();
    await run(upPlan({ config, root, environment }, world.deps), environment);
    const go = world.releases.get("go-app");
    if (!go) throw new Error("no go-app release");
    world.releases.set("go-app", { ...go, revision: "2", status: "pending-upgrade" });
    world.changes.length = 0;
    world.sourceHashes.set("apps/go-app", "src-edited");
    const again = await run(upPlan({ config, root, environment }, world.deps), environment);
    expect(again.result.ok).toBe(true);
    expect(world.changes.filter((c) => c.startsWith("helm"))).toEqual([
      "helm rollback go-app to 1 (revision 3)",
      "helm upgrade go-app (revision 4)",
    ]);
  });

  it("skips what needs a failed step, and runs everything else", async () => {
    const { root, environment } = newEnvironment();
    const world = fakeWorld();
    world.failing.add("startAwsEmulator");
    const { result, events } = await run(upPlan({ config, root, environment }, world.deps), environment);
    expect(result.ok).toBe(false);
    expect(result.statuses).toMatchObject({
      "aws-emulator": "failed",
      networks: "skipped",
      terraform: "skipped",
      "deploy:go-app": "skipped",
      "deploy:node-app": "skipped",
      "ready:go-app": "skipped",
      "ready:node-app": "skipped",
      cluster: "succeeded",
      registry: "succeeded",
      database: "succeeded",
      "terraform-tools": "succeeded",
      "image:go-app": "succeeded",
      "image:node-app": "succeeded",
      "push:go-app": "succeeded",
      "push:node-app": "succeeded",
    });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "step-skipped",
        step: "terraform",
        reason: "needs aws-emulator, which failed",
      }),
    );
    expect(world.changes.filter((c) => /terraform apply|helm upgrade/.test(c))).toEqual([]);
  });

  it("with --only go-app, builds, pushes and deploys go-app alone", async () => {
    const { root, environment } = newEnvironment();
    const world = fakeWorld();
    const plan = upPlan({ config, root, environment, only: ["go-app"] }, world.deps);
    const perApp = plan.steps.map((s) => s.id).filter((id) => id.includes(":"));
    expect(perApp).toEqual(["image:go-app", "push:go-app", "deploy:go-app", "ready:go-app"]);
    const { result } = await run(plan, environment);
    expect(result.ok).toBe(true);
    expect(world.changes.filter((c) => /node-app/.test(c))).toEqual([]);
    expect(world.changes).toContain("helm upgrade go-app (revision 1)");
  });

  describe("container apps (not on Kubernetes)", () => {
    const withContainer = configSchema.parse({
      ...config,
      containers: {
        "data-api": {
          path: "apps/data-api",
          image: "data-api",
          hostPort: 30082,
          env: {
            QUEUE_URL: { terraformOutput: "queue_url" },
            AWS_ENDPOINT_URL: { aws: "endpoint" },
            MODE: "local",
          },
        },
      },
    });

    it("builds the image, runs it on the cluster's network with Terraform's outputs, and keeps it on a re-run", async () => {
      const { root, environment } = newEnvironment();
      const world = fakeWorld();
      const plan = upPlan({ config: withContainer, root, environment }, world.deps);
      const graph = Object.fromEntries(plan.steps.map((s) => [s.id, (s.needs ?? []).map(linkId)]));
      expect(graph["run:data-api"]).toEqual([
        "environment",
        "image:data-api",
        "terraform",
        "aws-emulator",
        "networks",
      ]);
      expect(graph["ready:data-api"]).toEqual(["environment", "run:data-api"]);
      const first = await run(plan, environment);
      expect(first.result.ok).toBe(true);
      const ref = appImageRef("data-api", "src-appsdataapi");
      expect(world.changes).toContain(`build ${ref}`);
      expect(world.changes).toContain(`run ${config.project}-data-api from ${ref}`);
      expect(JSON.parse(world.containers.get(`${config.project}-data-api`) ?? "{}")).toMatchObject({
        network: "kind",
        hostPort: 30082,
        port: 8080,
        component: "container-app",
        labels: { "dev.kit.app": "data-api" },
        env: {
          PORT: "8080",
          QUEUE_URL: "http://aws:5000/q",
          AWS_ENDPOINT_URL: "http://aws:5000",
          MODE: "local",
        },
      });
      // Nothing of it goes through the registry or Helm.
      expect(world.changes.filter((c) => /push data-api|helm upgrade data-api/.test(c))).toEqual([]);

      world.changes.length = 0;
      const second = await run(upPlan({ config: withContainer, root, environment }, world.deps), environment);
      expect(world.changes).toEqual([]);
      expect(second.changed).not.toContain("run:data-api");
    });

    it("checks every app through its host port: a release by name, 300 s after its node restarted, a container 120 s", async () => {
      const { root, environment } = newEnvironment();
      const world = fakeWorld();
      const waits: string[] = [];
      const deps = {
        ...world.deps,
        waitForHttpReady: async (url: string, o: { timeoutMs?: number; release?: string }) => {
          waits.push(`${url} ${o.timeoutMs} ${o.release ?? "-"}`);
        },
      };
      const first = await run(upPlan({ config: withContainer, root, environment }, deps), environment);
      expect(first.result.ok).toBe(true);
      expect(waits.sort()).toEqual([
        "http://127.0.0.1:30080/readyz 120000 go-app",
        "http://127.0.0.1:30081/readyz 120000 node-app",
        "http://127.0.0.1:30082/readyz 120000 -",
      ]);
      waits.length = 0;
      const restarted = {
        ...deps,
        ensureClusterOnly: async (o: Parameters<typeof deps.ensureClusterOnly>[0]) => {
          const c = await world.deps.ensureClusterOnly(o);
          return { ...c, cluster: { ...c.cluster, restarted: true } };
        },
      };
      await run(upPlan({ config: withContainer, root, environment }, restarted), environment);
      expect(waits.filter((w) => w.includes("300000")).length).toBe(2);
      expect(waits).toContain("http://127.0.0.1:30082/readyz 120000 -");
    });

    it("with --only data-api, brings up the container app alone; a missing Terraform output fails naming the field", async () => {
      const { root, environment } = newEnvironment();
      const world = fakeWorld();
      const plan = upPlan({ config: withContainer, root, environment, only: ["data-api"] }, world.deps);
      expect(plan.steps.map((s) => s.id).filter((id) => id.includes(":"))).toEqual([
        "image:data-api",
        "run:data-api",
        "ready:data-api",
      ]);
      expect((await run(plan, environment)).result.ok).toBe(true);

      const broken = configSchema.parse({
        ...withContainer,
        containers: {
          "data-api": { ...withContainer.containers["data-api"], env: { T: { terraformOutput: "nope" } } },
        },
      });
      const failed = await run(
        upPlan({ config: broken, root, environment, only: ["data-api"] }, world.deps),
        environment,
      );
      expect(failed.result.ok).toBe(false);
      expect(String(failed.result.errors["run:data-api"])).toContain(
        'containers.data-api.env.T: the local Terraform has no output "nope"',
      );
    });
  });

  describe("PostgreSQL (postgres: in kit.config.yaml)", () => {
    const withPostgres = configSchema.parse({
      ...config,
      postgres: { hostPort: 5433, database: "pmp", user: "pmp" },
      containers: {
        "pmp-api": {
          path: "apps/pmp-api",
          image: "pmp-api",
          hostPort: 30083,
          readinessPath: "/readyz",
          env: {
            DATABASE_URL: { postgres: "url" },
            PGUSER: { postgres: "user" },
            PGPORT: { postgres: "port" },
          },
        },
      },
    });

    it("starts it beside the emulator, joins it to the network, and gives the container app its URL on that network", async () => {
      const { root, environment } = newEnvironment();
      const world = fakeWorld();
      const plan = upPlan({ config: withPostgres, root, environment }, world.deps);
      const graph = Object.fromEntries(plan.steps.map((s) => [s.id, (s.needs ?? []).map(linkId)]));
      expect(graph.postgres).toEqual(["environment", "toolchain", "image-source", "ports"]);
      expect(graph.networks).toContain("postgres");
      expect(graph["run:pmp-api"]).toContain("postgres");
      const first = await run(plan, environment);
      expect(first.result.ok).toBe(true);
      expect(world.changes).toContain("postgres");
      expect(world.changes).toContain(`connect kit-${config.project}-postgres to kind`);
      expect(JSON.parse(world.containers.get(`${config.project}-pmp-api`) ?? "{}").env).toMatchObject({
        DATABASE_URL: `postgres://pmp:kit-local@kit-${config.project}-postgres:5432/pmp`,
        PGUSER: "pmp",
        PGPORT: "5432",
      });
      expect(first.events).toContainEqual(
        expect.objectContaining({
          type: "plan-output",
          key: "postgresUrl",
          value: "postgres://pmp:kit-local@127.0.0.1:5433/pmp",
        }),
      );

      world.changes.length = 0;
      await run(upPlan({ config: withPostgres, root, environment }, world.deps), environment);
      expect(world.changes).toEqual([]);
    });

    it("is not started when kit.config.yaml has no postgres:, and a container asking for it is refused at load", () => {
      const world = fakeWorld();
      const { root, environment } = newEnvironment();
      expect(upPlan({ config, root, environment }, world.deps).steps.map((s) => s.id)).not.toContain(
        "postgres",
      );
      const { postgres: _none, ...without } = withPostgres;
      expect(() => configSchema.parse(without)).toThrow(
        /"DATABASE_URL"[\s\S]*asks for kit's PostgreSQL, but kit.config.yaml has no `postgres:`/,
      );
    });
  });

  it("under kit dev, syncs each app's host build to the nodes before its release, which then runs devrun", async () => {
    const { root, environment } = newEnvironment();
    mkdirSync(join(root, "apps", "go-app"), { recursive: true });
    writeFileSync(join(root, "apps", "go-app", "go.mod"), "module example.com/go-app\n");
    mkdirSync(join(root, "apps", "node-app"), { recursive: true });
    writeFileSync(join(root, "apps", "node-app", "package.json"), "{}\n");
    const world = fakeWorld();
    const plan = upPlan({ config, root, environment, devSync: ["go-app", "node-app"] }, world.deps);
    const deploy = plan.steps.find((s) => s.id === "deploy:go-app");
    expect((deploy?.needs ?? []).map(linkId)).toContain("sync:go-app");
    const first = await run(plan, environment);
    expect(first.result.ok).toBe(true);
    expect(world.devSync.nodes.published.map((p) => p.folder).sort()).toEqual([
      "/kit-dev/go-app",
      "/kit-dev/node-app",
    ]);
    expect(world.changes).toEqual(
      expect.arrayContaining([
        "helm upgrade go-app (revision 1, devrun /kit-dev/bin/devrun)".replace(
          "/kit-dev/bin/devrun",
          "/kit-dev/app/go-app",
        ),
        "helm upgrade node-app (revision 1, devrun /nodejs/bin/node)",
      ]),
    );
    // A re-run finds the same generation on the nodes: nothing built, copied or upgraded.
    world.devSync.nodes.pods.push("go-app-1");
    const published = world.devSync.nodes.published.length;
    const second = await run(
      upPlan({ config, root, environment, devSync: ["go-app", "node-app"] }, world.deps),
      environment,
    );
    expect(second.changed.filter((id) => !runsEveryTime(id))).toEqual([]);
    expect(world.devSync.nodes.published).toHaveLength(published);
    // kit up without dev puts the release back on the image's own entrypoint.
    await run(upPlan({ config, root, environment }, world.deps), environment);
    expect(world.changes).toContain("helm upgrade go-app (revision 2)");
  });

  it("hands the LocalStack token and the database image to the emulator and the database", async () => {
    const { root, environment } = newEnvironment();
    const world = fakeWorld();
    const given: string[] = [];
    const deps: UpDeps = {
      ...world.deps,
      startAwsEmulator: async (o) => {
        given.push(`emulator ${o.emulator} token ${o.localstackToken}`);
        return world.deps.startAwsEmulator(o);
      },
      startDatabase: async (o) => {
        given.push(`database ${o.provider} image ${o.image}`);
        return world.deps.startDatabase(o);
      },
    };
    const plan = upPlan(
      { config, root, environment, localstackToken: "ls-abc", databaseImage: "my/mongo:8" },
      deps,
    );
    expect((await run(plan, environment)).result.ok).toBe(true);
    expect(given.sort()).toEqual([
      `database ${config.database.provider} image my/mongo:8`,
      `emulator ${config.aws.emulator} token ls-abc`,
    ]);
  });

  it("refuses --only naming an app kit.config.yaml does not have", () => {
    const { root, environment } = newEnvironment();
    expect(() => upPlan({ config, root, environment, only: ["nope"] }, fakeWorld().deps)).toThrow(
      /--only names unknown app "nope"/,
    );
  });
});
