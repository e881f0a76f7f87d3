/**
 * The up plan brings the local environment up: toolchain, then cluster, registry, AWS emulator,
 * database and app images all at once, then pushes (while kind still creates the cluster),
 * Terraform against the emulator, one Helm release per app, and a readiness check through the
 * host port a user would use. Every step checks the world first, so a second `kit up` changes
 * nothing, and after a code change only the apps whose image or values differ are rebuilt and
 * redeployed. Three steps run every time: `ports` (it only looks), `networks` (connecting what is
 * connected is a no-op) and `ready:<app>` (an HTTP check through the host port). Everything that
 * touches the environment runs under the environment's lock (see environment/steps.ts), so two
 * `kit up` of one environment, from two checkouts, take turns. The external systems come in as
 * UpDeps (up-deps.ts has the real ones), as kind passes its Provider into create.Cluster, so the
 * graph has unit tests with fakes.
 */
import { localEnvironmentName } from "../config/environment.ts";
import type { KitConfig } from "../config/schema.ts";
import { appDevSyncStep, type DevSyncDeps, type DevSyncResult } from "../dev/sync/step.ts";
import { definePlan, type Plan, type Step, type StepContext } from "../engine/plan.ts";
import type { LocalEnvironment } from "../environment/state.ts";
import { environmentStep, underLock } from "../environment/steps.ts";
import { UserError } from "../errors.ts";
import type { AppImage } from "../images/apps.ts";
import type { RunningAwsEmulator, StartAwsEmulatorOptions } from "../providers/aws/index.ts";
import type { LocalCluster, LocalClusterOptions } from "../providers/cluster/index.ts";
import { PROJECT_LABEL } from "../providers/container/index.ts";
import type { RunningDatabase, StartDatabaseOptions } from "../providers/database/index.ts";
import type { Registry } from "../providers/registry/index.ts";
import { type AppImageDeps, appImageStep, imageSourceStep } from "./app-image.ts";
import { type ContainerAppDeps, containerAppStep, refuseContainerApp } from "./container-app.ts";
import { environmentNames } from "./names.ts";
import { type FindPortHolder, hostPortsStep } from "./ports-step.ts";
import { type PostgresDeps, postgresUpStep } from "./postgres-step.ts";
import { appPushStep, type PushDeps } from "./push-step.ts";
import { readyStep, type WaitForHttpReady } from "./ready-step.ts";
import { type LocalTerraformDeps, localTerraformSteps } from "./terraform-steps.ts";
import { type ToolchainDeps, toolchainStep } from "./toolchain-step.ts";
import { appReleaseStep, type ReleaseDeps } from "./up-release.ts";

/**
 * runsEveryTime says whether a step of the up plan runs on every `kit up` by design (it only
 * looks, or reconnects what is connected), so a report of what a run changed leaves it out.
 */
export function runsEveryTime(step: string): boolean {
  return step === "ports" || step === "networks" || step === "image-source" || step.startsWith("ready:");
}

/** UpOptions select what to bring up. */
export interface UpOptions {
  config: KitConfig;
  root: string;
  /** The environment to bring up (openLocalEnvironment): its lock and state folder. */
  environment: LocalEnvironment;
  /** Apps to build and deploy; all when empty. */
  only?: string[];
  /**
   * Under `kit dev`: these apps' pods run devrun from a folder on the kind nodes that a `sync:<app>`
   * step fills with a host build, so a save goes live without a new image (kind only; Go and Node).
   */
  devSync?: string[];
  /** Under `kit dev`: images deployed as they are instead of built from the current sources, by app. */
  keepImages?: Record<string, AppImage>;
  /** LocalStack's auth token (LOCALSTACK_AUTH_TOKEN): `aws.emulator: auto` then picks LocalStack. */
  localstackToken?: string;
  /** The image the database runs instead of its provider's default (KIT_DATABASE_IMAGE). */
  databaseImage?: string;
}

/**
 * UpDeps are the external systems the up plan acts through: Docker, kind, the registry, the
 * emulator and database containers, Terraform, Helm, the host's ports and HTTP. up-deps.ts has
 * the real ones; tests pass fakes.
 */
export interface UpDeps extends ToolchainDeps, ReleaseDeps, PushDeps, LocalTerraformDeps, PostgresDeps {
  /** Runs the container apps' containers. */
  containers: ContainerAppDeps;
  /** Builds on the host and reaches the kind nodes for `kit dev`'s live sync. */
  devSync: DevSyncDeps;
  findPortHolder: FindPortHolder;
  images: AppImageDeps;
  /** Starts (or reuses) the local registry; undefined for an existing cluster. */
  ensureLocalRegistry(options: LocalClusterOptions): Promise<Registry | undefined>;
  /** Makes (or reuses) the cluster and its node image. */
  ensureClusterOnly(options: LocalClusterOptions): Promise<LocalCluster>;
  /** Lets the cluster's nodes pull from the registry. */
  connectLocalRegistry(registry: Registry, cluster: LocalCluster, signal?: AbortSignal): Promise<void>;
  startAwsEmulator(options: StartAwsEmulatorOptions): Promise<RunningAwsEmulator>;
  startDatabase(options: StartDatabaseOptions): Promise<RunningDatabase>;
  waitForHttpReady: WaitForHttpReady;
}

/** selectApps validates --only against the config and returns the chosen Helm apps (command names who asks). */
export function selectApps(config: KitConfig, only: string[] | undefined, command = "kit up"): string[] {
  const known = Object.keys(config.apps);
  if (!only || only.length === 0) return known;
  for (const name of only) refuseContainerApp(config, name, command);
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UserError(
      `--only names unknown app${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")}.`,
      {
        hint: `The apps in kit.config.yaml are: ${known.join(", ")}.`,
      },
    );
  }
  return only;
}

/** upPlan builds the plan for the local environment; deps are the systems it acts through. */
export function upPlan(options: UpOptions, deps: UpDeps): Plan {
  const { config, root, environment } = options;
  const only = options.only ?? [];
  // --only may name container apps too; with no --only every app of both kinds comes up.
  const onlyReleases = only.filter((n) => !config.containers[n]);
  const containers =
    only.length === 0 ? Object.keys(config.containers) : only.filter((n) => config.containers[n]);
  const apps = only.length > 0 && onlyReleases.length === 0 ? [] : selectApps(config, onlyReleases);
  const envName = localEnvironmentName(config);
  const names = environmentNames(envName);
  const steps: Step<unknown>[] = [];

  const toolchain = toolchainStep(deps);
  steps.push(toolchain);
  const ports = hostPortsStep(config, names, deps.findPortHolder);
  steps.push(ports);

  const imageSource = imageSourceStep(config, [], deps.images);
  steps.push(imageSource);

  const portMappings = Object.values(config.apps).map((app) => ({
    containerPort: app.hostPort,
    hostPort: app.hostPort,
  }));
  const clusterOptions = (ctx: StepContext): LocalClusterOptions => ({
    source: ctx.resultOf(imageSource),
    provider: config.cluster.provider,
    name: names.cluster,
    kubernetesVersion: config.cluster.kubernetesVersion,
    workers: config.cluster.workers,
    portMappings,
    context: config.cluster.context,
    registryHostPort: config.registry.hostPort,
    registryName: names.registry,
    registryLabels: { [PROJECT_LABEL]: envName },
    signal: ctx.signal,
    onLine: (line) => ctx.log(line),
  });
  // The registry is a step of its own, so images are pushed while kind creates the cluster.
  const registryStep: Step<Registry | undefined> = {
    id: "registry",
    title: "local registry",
    needs: [toolchain, imageSource, ports],
    async apply(ctx) {
      const registry = await deps.ensureLocalRegistry(clusterOptions(ctx));
      if (registry) ctx.output("registry", "registry", registry.hostEndpoint);
      return registry;
    },
    changed: (registry) => registry?.created ?? false,
    summarize: (registry) =>
      registry
        ? `${registry.created ? "started" : "reused"} at ${registry.hostEndpoint}`
        : "none (an existing cluster pulls from the images' own registry)",
  };
  steps.push(registryStep);

  const clusterStep: Step<LocalCluster> = {
    id: "cluster",
    title: `cluster ${names.cluster}`,
    needs: [toolchain, imageSource, ports],
    async apply(ctx) {
      const local = await deps.ensureClusterOnly(clusterOptions(ctx));
      ctx.output("kubeContext", "kube context", local.cluster.context);
      ctx.output("kubeconfig", "kubeconfig", local.cluster.kubeconfigPath);
      ctx.output("namespace", "namespace", names.namespace);
      return local;
    },
    changed: (local) => local.cluster.created,
    summarize: (local) =>
      `${local.cluster.created ? "created" : "reused"} ${local.cluster.name}, ${local.cluster.nodes.length} node(s) ready`,
  };
  steps.push(clusterStep);

  const emulatorStep: Step<RunningAwsEmulator> = {
    id: "aws-emulator",
    title: "AWS emulator",
    needs: [toolchain, imageSource, ports],
    async apply(ctx) {
      const emulator = await deps.startAwsEmulator({
        project: envName,
        emulator: config.aws.emulator,
        localstackToken: options.localstackToken,
        region: config.aws.region,
        hostPort: config.aws.hostPort,
        imageSource: ctx.resultOf(imageSource),
        initDir: `${root}/localstack/init`,
        signal: ctx.signal,
        onLine: (line) => ctx.log(line),
      });
      ctx.output("awsEndpoint", `AWS emulator (${emulator.provider})`, emulator.endpoint);
      return emulator;
    },
    changed: (e) => !e.reused,
    summarize: (e) => `${e.provider} ${e.reused ? "reused" : "started"} at ${e.endpoint}`,
  };
  steps.push(emulatorStep);

  const databaseStep: Step<RunningDatabase> = {
    id: "database",
    title: "database",
    needs: [toolchain, imageSource, ports],
    async apply(ctx) {
      const database = await deps.startDatabase({
        project: envName,
        provider: config.database.provider,
        image: options.databaseImage,
        hostPort: config.database.hostPort,
        database: config.database.name,
        imageSource: ctx.resultOf(imageSource),
        signal: ctx.signal,
        onLine: (line) => ctx.log(line),
      });
      ctx.output("mongodbUrl", `MONGODB_URL (${database.provider})`, database.url);
      ctx.output("mongodbClusterUrl", "MONGODB_URL in the cluster", database.clusterUrl);
      return database;
    },
    changed: (d) => !d.reused,
    summarize: (d) => `${d.provider} ${d.reused ? "reused (data kept)" : "started"}`,
  };
  steps.push(databaseStep);

  const postgresStep =
    config.postgres &&
    postgresUpStep(config.postgres, envName, [toolchain, imageSource, ports], imageSource, deps);
  if (postgresStep) steps.push(postgresStep);

  const networksStep: Step<undefined> = {
    id: "networks",
    title: `registry, emulator + database${postgresStep ? " + PostgreSQL" : ""} on the cluster network`,
    needs: [clusterStep, registryStep, emulatorStep, databaseStep, ...(postgresStep ? [postgresStep] : [])],
    async apply(ctx) {
      const registry = ctx.resultOf(registryStep);
      await Promise.all([
        registry ? deps.connectLocalRegistry(registry, ctx.resultOf(clusterStep), ctx.signal) : undefined,
        ctx.resultOf(emulatorStep).connectToNetwork(names.network),
        ctx.resultOf(databaseStep).connectToNetwork(names.network),
        postgresStep && ctx.resultOf(postgresStep).connectToNetwork(names.network),
      ]);
      return undefined;
    },
    summarize: () => `reachable from pods on the ${names.network} network`,
  };
  steps.push(networksStep);

  const { tools: terraformToolsStep, apply: terraformStep } = localTerraformSteps({
    config,
    root,
    project: envName,
    stateDir: environment.terraformDir,
    toolchain,
    emulator: emulatorStep,
    deps,
  });
  steps.push(terraformToolsStep, terraformStep);

  /** The sync step of an app under devSync, when kit can sync it (kind; a Go or Node app). */
  const devSyncStepFor = (name: string, imageStep: Step<{ ref: string }>): Step<DevSyncResult> | undefined =>
    options.devSync?.includes(name)
      ? appDevSyncStep({
          config,
          root,
          environmentDir: environment.dir,
          app: name,
          needs: [clusterStep, imageStep],
          target: (ctx) => ({
            nodes: ctx.resultOf(clusterStep).cluster.nodes.map((n) => n.container ?? n.name),
            imageRef: ctx.resultOf(imageStep).ref,
          }),
          deps: deps.devSync,
        })
      : undefined;

  for (const name of apps) {
    const app = config.apps[name];
    if (!app) continue;
    const built = appImageStep(root, name, app, imageSource, [toolchain], deps.images);
    const kept = options.keepImages?.[name];
    // Under kit dev a chart or values change keeps the image: the sync step carries the code.
    const imageStep: Step<AppImage> = kept
      ? {
          ...built,
          check: async () => ({
            satisfied: true,
            value: kept,
            summary: `kept (${kept.ref}); the code is synced`,
          }),
        }
      : built;
    steps.push(imageStep);

    const pushStep = appPushStep({
      name,
      repository: app.image,
      image: imageStep,
      registry: registryStep,
      deps,
    });
    steps.push(pushStep);

    const syncStep = devSyncStepFor(name, imageStep);
    if (syncStep) steps.push(syncStep);

    const releaseStep = appReleaseStep({
      name,
      app,
      root,
      namespace: names.namespace,
      clusterProvider: config.cluster.provider,
      releasesFile: environment.releasesFile,
      inputs: {
        push: pushStep,
        cluster: clusterStep,
        registry: registryStep,
        database: databaseStep,
        emulator: emulatorStep,
        terraform: terraformStep,
        networks: networksStep,
        ...(syncStep ? { devSync: syncStep } : {}),
      },
      deps,
    });
    steps.push(releaseStep);

    steps.push(
      readyStep({
        name,
        hostPort: app.hostPort,
        readinessPath: app.readinessPath,
        needs: [releaseStep, clusterStep],
        // After kit stop the node restarts and its Services route to old pod IPs until the control
        // plane catches up (up to about two minutes measured): wait longer then.
        timeoutMs: (ctx) => (ctx.resultOf(clusterStep).cluster.restarted === true ? 300_000 : 120_000),
        release: name,
        waitForHttpReady: deps.waitForHttpReady,
      }),
    );
  }
  for (const name of containers) {
    const app = config.containers[name];
    if (!app) continue;
    const imageStep = appImageStep(root, name, app, imageSource, [toolchain], deps.images);
    steps.push(imageStep);
    const runStep = containerAppStep({
      name,
      app,
      environment: envName,
      network: names.network,
      image: imageStep,
      terraform: terraformStep,
      emulator: emulatorStep,
      postgres: postgresStep,
      networks: networksStep,
      deps: deps.containers,
    });
    steps.push(runStep);
    steps.push(
      readyStep({
        name,
        hostPort: app.hostPort,
        readinessPath: app.readinessPath,
        needs: [runStep],
        timeoutMs: 120_000,
        waitForHttpReady: deps.waitForHttpReady,
      }),
    );
  }
  // Only the toolchain, the image source and the images (kit's cache, shared by every environment) go without the lock.
  const isShared = (id: string): boolean =>
    id === "toolchain" || id === "image-source" || id.startsWith("image:");
  return definePlan("up", [
    environmentStep({ environment, root, project: config.project }),
    ...steps.map((step) => (isShared(step.id) ? step : underLock(step, environment.lock))),
  ]);
}
