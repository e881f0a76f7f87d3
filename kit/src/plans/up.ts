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
import type { PushedImage, Registry } from "../providers/registry/index.ts";
import type { GoBuildOptions } from "../tools/go-build.ts";
import type { TerraformBinary, TerraformBinarySetting } from "../tools/terraform/binary.ts";
import type { ProviderMirror } from "../tools/terraform/mirror.ts";
import { type AppImageDeps, appImageStep, imageSourceStep } from "./app-image.ts";
import { type ContainerAppDeps, containerAppStep, refuseContainerApp } from "./container-app.ts";
import { environmentNames } from "./names.ts";
import { type FindPortHolder, hostPortsStep } from "./ports-step.ts";
import type { LocalTerraformOptions, TerraformOutputs } from "./terraform-local.ts";
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
}

/**
 * UpDeps are the external systems the up plan acts through: Docker, kind, the registry, the
 * emulator and database containers, Terraform, Helm, the host's ports and HTTP. up-deps.ts has
 * the real ones; tests pass fakes.
 */
export interface UpDeps extends ToolchainDeps, ReleaseDeps {
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
  /** The digest of repository:tag in the registry at hostEndpoint, or undefined. */
  registryManifestDigest(
    hostEndpoint: string,
    repository: string,
    tag: string,
    signal?: AbortSignal,
  ): Promise<string | undefined>;
  pushImage(
    registry: Registry,
    localRef: string,
    repository: string,
    tag: string,
    options: { signal?: AbortSignal; onLine?: (line: string) => void },
  ): Promise<PushedImage>;
  /** Whether the provider mirror already holds the pinned AWS provider. */
  providerMirrorReady(): boolean;
  findTerraformBinary(setting: TerraformBinarySetting): Promise<TerraformBinary | undefined>;
  ensureProviderMirror(options: GoBuildOptions): Promise<ProviderMirror>;
  resolveTerraformBinary(setting: TerraformBinarySetting, options: GoBuildOptions): Promise<TerraformBinary>;
  /** The recorded outputs when the local Terraform is unchanged since its last apply against this emulator. */
  unchangedLocalTerraform(options: LocalTerraformOptions): Promise<TerraformOutputs | undefined>;
  applyLocalTerraform(options: LocalTerraformOptions): Promise<TerraformOutputs>;
  waitForHttpReady(
    url: string,
    options: {
      signal?: AbortSignal;
      timeoutMs?: number;
      onAttempt?: (message: string) => void;
      release?: string;
    },
  ): Promise<void>;
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

  const networksStep: Step<undefined> = {
    id: "networks",
    title: "registry, emulator + database on the cluster network",
    needs: [clusterStep, registryStep, emulatorStep, databaseStep],
    async apply(ctx) {
      const registry = ctx.resultOf(registryStep);
      await Promise.all([
        registry ? deps.connectLocalRegistry(registry, ctx.resultOf(clusterStep), ctx.signal) : undefined,
        ctx.resultOf(emulatorStep).connectToNetwork(names.network),
        ctx.resultOf(databaseStep).connectToNetwork(names.network),
      ]);
      return undefined;
    },
    summarize: () => `reachable from pods on the ${names.network} network`,
  };
  steps.push(networksStep);

  const terraformOptions = (ctx: StepContext) => {
    const envConfig = config.environments.local;
    if (!envConfig) throw new UserError("kit.config.yaml has no `local` environment.");
    return {
      root,
      project: envName,
      dir: envConfig.terraformDir,
      stateDir: environment.terraformDir,
      emulator: ctx.resultOf(emulatorStep),
      terraformBinary: config.terraform.binary,
      passEnv: config.terraform.passEnv,
      signal: ctx.signal,
      onLine: (line: string) => ctx.log(line),
    };
  };
  // The AWS provider is the longest build on a new machine (about an hour on 2 cores): it starts
  // with the cluster and images, not after the emulator, and the apply waits for it.
  const terraformToolsStep: Step<{ built: boolean; flavor: string }> = {
    id: "terraform-tools",
    title: "terraform and its AWS provider",
    needs: [toolchain],
    async check() {
      const binary = deps.providerMirrorReady()
        ? await deps.findTerraformBinary(config.terraform.binary)
        : undefined;
      return binary
        ? { satisfied: true, value: { built: false, flavor: binary.flavor }, summary: "installed" }
        : { satisfied: false };
    },
    async apply(ctx) {
      const onLine = (line: string) => ctx.log(line);
      const mirror = await deps.ensureProviderMirror({ signal: ctx.signal, onLine });
      const binary = await deps.resolveTerraformBinary(config.terraform.binary, {
        signal: ctx.signal,
        onLine,
      });
      return { built: mirror.built, flavor: binary.flavor };
    },
    summarize: (tools) => `${tools.flavor} with hashicorp/aws${tools.built ? " (built)" : " (cached)"}`,
  };
  steps.push(terraformToolsStep);
  const terraformStep: Step<TerraformOutputs> = {
    id: "terraform",
    title: "terraform (local env, against the emulator)",
    needs: [toolchain, emulatorStep, terraformToolsStep],
    async check(ctx) {
      const outputs = await deps.unchangedLocalTerraform(terraformOptions(ctx));
      return outputs
        ? { satisfied: true, value: outputs, summary: "no changes since the last apply" }
        : { satisfied: false };
    },
    async apply(ctx) {
      return deps.applyLocalTerraform(terraformOptions(ctx));
    },
    summarize: (outputs) => `${Object.keys(outputs as object).length} output(s)`,
  };
  steps.push(terraformStep);

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

    const pushStep: Step<PushedImage> = {
      id: `push:${name}`,
      title: `${name} push`,
      needs: [imageStep, registryStep],
      async check(ctx) {
        const image = ctx.resultOf(imageStep);
        const registry = ctx.resultOf(registryStep);
        if (!registry) return { satisfied: false };
        const tag = image.sourceHash;
        const digest = await deps.registryManifestDigest(registry.hostEndpoint, app.image, tag, ctx.signal);
        return digest
          ? {
              satisfied: true,
              value: { ref: `${registry.hostEndpoint}/${app.image}:${tag}`, digest },
              summary: "already in the registry",
            }
          : { satisfied: false };
      },
      async apply(ctx) {
        const image = ctx.resultOf(imageStep);
        const registry = ctx.resultOf(registryStep);
        if (!registry) {
          throw new UserError("The existing-cluster provider has no local registry to push to.", {
            hint: "Use cluster.provider: kind for local work, or push images to a registry your cluster can pull from.",
          });
        }
        return deps.pushImage(registry, image.ref, app.image, image.sourceHash, {
          signal: ctx.signal,
          onLine: (l) => ctx.log(l),
        });
      },
      summarize: (pushed) => `pushed ${pushed.ref}@${pushed.digest?.slice(0, 19) ?? "?"}`,
    };
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

    steps.push({
      id: `ready:${name}`,
      title: `${name} ready on :${app.hostPort}`,
      needs: [releaseStep, clusterStep],
      async apply(ctx) {
        const url = `http://127.0.0.1:${app.hostPort}`;
        // After kit stop the node restarts and its Services route to old pod IPs until the control
        // plane catches up (up to about two minutes measured): wait longer then.
        const restarted = ctx.resultOf(clusterStep).cluster.restarted === true;
        await deps.waitForHttpReady(`${url}${app.readinessPath}`, {
          signal: ctx.signal,
          timeoutMs: restarted ? 300_000 : 120_000,
          onAttempt: (m) => ctx.progress(m),
          release: name,
        });
        ctx.output(`url:${name}`, name, url);
        return url;
      },
      summarize: (url) => `${url} answers`,
    } satisfies Step<string>);
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
      networks: networksStep,
      deps: deps.containers,
    });
    steps.push(runStep);
    steps.push({
      id: `ready:${name}`,
      title: `${name} ready on :${app.hostPort}`,
      needs: [runStep],
      async apply(ctx) {
        const url = `http://127.0.0.1:${app.hostPort}`;
        await deps.waitForHttpReady(`${url}${app.readinessPath}`, {
          signal: ctx.signal,
          timeoutMs: 120_000,
          onAttempt: (m) => ctx.progress(m),
        });
        ctx.output(`url:${name}`, name, url);
        return url;
      },
      summarize: (url) => `${url} answers`,
    } satisfies Step<string>);
  }
  // Only the toolchain, the image source and the images (kit's cache, shared by every environment) go without the lock.
  const isShared = (id: string): boolean =>
    id === "toolchain" || id === "image-source" || id.startsWith("image:");
  return definePlan("up", [
    environmentStep({ environment, root, project: config.project }),
    ...steps.map((step) => (isShared(step.id) ? step : underLock(step, environment.lock))),
  ]);
}
