/**
 * up-release is an app's Helm release as `kit up` installs it: the values kit computes (image
 * digest, registry, NodePort, database URL, emulator endpoint, Terraform outputs), the release
 * spec built from them (also what the Tiltfile deploys, through .kit/endpoints.json), and the step
 * that installs it only when its inputs changed since the last install.
 */
import type { AppConfig, KitConfig } from "../config/schema.ts";
import { type DevSyncResult, devSyncValues } from "../dev/sync/step.ts";
import type { Step, StepContext, StepLink, StepRef } from "../engine/plan.ts";
import { UserError } from "../errors.ts";
import type { RunningAwsEmulator } from "../providers/aws/index.ts";
import type { LocalCluster } from "../providers/cluster/index.ts";
import type { RunningDatabase } from "../providers/database/index.ts";
import type { PushedImage, Registry } from "../providers/registry/index.ts";
import type { HelmClient } from "../tools/helm/client.ts";
import { helmReleaseData } from "./endpoints.ts";
import type { ReleaseRecord } from "./release-state.ts";
import type { TerraformOutputs } from "./terraform-local.ts";

/** NODE_PORT_VALUE is the chart value of the NodePort kind maps to the host; helm must see a number. */
export const NODE_PORT_VALUE = "service.service.nodePort";

/** desiredValues are the values kit computes for a release (beside the values files). */
export function desiredValues(args: {
  pushed: PushedImage;
  repository: string;
  /** Where the nodes pull from (`localhost:<registry.hostPort>`); the values file's own when absent. */
  registry?: string;
  /** The NodePort kind maps to the host (apps.<app>.hostPort); the values file's own when absent. */
  nodePort?: number;
  database?: Pick<RunningDatabase, "clusterUrl">;
  emulator?: Pick<RunningAwsEmulator, "clusterEndpoint" | "region">;
  terraform?: TerraformOutputs;
  usesDatabase: boolean;
}): Record<string, string> {
  const values: Record<string, string> = {
    "service.image.repository": args.repository,
    "service.image.digest": args.pushed.digest ?? "",
  };
  // A second environment has its own ports: the registry and NodePort follow the config, not values-local.yaml.
  if (args.registry) values["service.image.registry"] = args.registry;
  if (args.nodePort !== undefined) values[NODE_PORT_VALUE] = String(args.nodePort);
  if (args.usesDatabase && args.database) values["service.database.url"] = args.database.clusterUrl;
  const env: [string, string][] = [];
  if (args.emulator) {
    env.push(["AWS_ENDPOINT_URL", args.emulator.clusterEndpoint], ["AWS_REGION", args.emulator.region]);
  }
  for (const [key, value] of Object.entries(args.terraform ?? {})) {
    if (typeof value === "string") env.push([`TF_OUTPUT_${key.toUpperCase()}`, value]);
  }
  env.forEach(([name, value], i) => {
    values[`service.app.extraEnv[${i}].name`] = name;
    values[`service.app.extraEnv[${i}].value`] = value;
  });
  return values;
}

/** AppReleaseSpec is one app's Helm release as `kit up` installs it; paths are relative to the project root. */
export interface AppReleaseSpec {
  release: string;
  chart: string;
  namespace: string;
  /** The environment's values files (apps.<app>.values.local). */
  valuesFiles: string[];
  /** Every computed value (desiredValues), the typed ones included. */
  values: Record<string, string>;
  /** The computed values helm reads from a file, after valuesFiles. */
  set: Record<string, string>;
  /** The computed values helm must type (the NodePort), passed with --set. */
  setTyped: Record<string, string>;
  /** The image name the pods pull, without tag or digest: `<registry>/<repository>`. */
  image: string;
}

/**
 * appReleaseSpec computes an app's release from the environment's parts: the one place that
 * decides what `kit up` deploys, and what the Tiltfile deploys (through .kit/endpoints.json).
 */
export function appReleaseSpec(args: {
  name: string;
  app: Pick<AppConfig, "chart" | "values" | "image" | "hostPort" | "usesDatabase">;
  namespace: string;
  clusterProvider: KitConfig["cluster"]["provider"];
  pushed: PushedImage;
  /** Where the nodes pull from (the registry's clusterEndpoint), when kit runs one. */
  registry?: string;
  database?: Pick<RunningDatabase, "clusterUrl">;
  emulator?: Pick<RunningAwsEmulator, "clusterEndpoint" | "region">;
  terraform?: TerraformOutputs;
}): AppReleaseSpec {
  const values = desiredValues({
    pushed: args.pushed,
    repository: args.app.image,
    registry: args.registry,
    nodePort: args.clusterProvider === "kind" ? args.app.hostPort : undefined,
    database: args.database,
    emulator: args.emulator,
    terraform: args.terraform,
    usesDatabase: args.app.usesDatabase,
  });
  const { [NODE_PORT_VALUE]: nodePort, ...set } = values;
  return {
    release: args.name,
    chart: args.app.chart,
    namespace: args.namespace,
    valuesFiles: args.app.values.local ?? [],
    values,
    set,
    setTyped: nodePort === undefined ? {} : { [NODE_PORT_VALUE]: nodePort },
    image: args.registry ? `${args.registry}/${args.app.image}` : args.app.image,
  };
}

/** ReleaseDeps are what an app's release step acts through: Helm and the release records. */
export interface ReleaseDeps {
  helm: Pick<HelmClient, "getRelease" | "upgrade" | "history" | "rollback">;
  /** Hashes the chart folder, the values files and the computed values (release-state.ts). */
  releaseInputsHash(chart: string, valuesFiles: string[], values: Record<string, string>): Promise<string>;
  readReleaseRecord(file: string, app: string): Promise<ReleaseRecord | undefined>;
  writeReleaseRecord(file: string, app: string, record: ReleaseRecord): Promise<void>;
}

/** ReleaseInputs are the steps whose results an app's release is made from. */
export interface ReleaseInputs {
  push: StepRef<PushedImage>;
  cluster: StepRef<LocalCluster>;
  registry: StepRef<Registry | undefined>;
  database: StepRef<RunningDatabase>;
  emulator: StepRef<RunningAwsEmulator>;
  terraform: StepRef<TerraformOutputs>;
  /** The step that puts the registry, emulator and database on the cluster's network. */
  networks: StepLink;
  /** Under `kit dev`, the step that synced the app's build to the nodes: the release then runs devrun. */
  devSync?: StepRef<DevSyncResult>;
}

/** withDevSync adds the values that run devrun to a release; enabled is typed (a boolean), so --set. */
export function withDevSync(spec: AppReleaseSpec, sync: DevSyncResult | undefined): AppReleaseSpec {
  if (!sync) return spec;
  const { "service.devSync.enabled": enabled, ...rest } = devSyncValues(sync);
  return {
    ...spec,
    values: { ...spec.values, ...rest, "service.devSync.enabled": enabled ?? "true" },
    set: { ...spec.set, ...rest },
    setTyped: { ...spec.setTyped, "service.devSync.enabled": enabled ?? "true" },
  };
}

/**
 * recoverInterruptedRelease rolls back a release an interrupted helm left pending (kit or helm
 * killed mid-upgrade): helm refuses every later upgrade with "another operation is in progress".
 * The step runs under the environment's lock, so no other kit is upgrading it.
 */
async function recoverInterruptedRelease(
  ctx: StepContext,
  cluster: LocalCluster["cluster"],
  namespace: string,
  name: string,
  deps: ReleaseDeps,
): Promise<void> {
  const current = await deps.helm.getRelease(cluster, namespace, name, ctx.signal);
  if (!current?.status.startsWith("pending-")) return;
  const history = await deps.helm.history(cluster, namespace, name, ctx.signal);
  const last = history.filter((r) => r.status === "deployed" || r.status === "superseded").at(-1);
  if (!last) {
    throw new UserError(
      `The ${name} release is ${current.status} and has no earlier revision to return to.`,
      {
        hint: `An install was interrupted. Remove it with \`kit down\` (or helm uninstall ${name} -n ${namespace}) and run kit up again.`,
      },
    );
  }
  ctx.log(
    `revision ${current.revision} was left ${current.status} by an interrupted upgrade; rolling back to ${last.revision}`,
  );
  await deps.helm.rollback(cluster, namespace, name, last.revision, {
    signal: ctx.signal,
    onLine: (l) => ctx.log(l),
    timeout: "5m",
  });
}

/**
 * appReleaseStep is `deploy:<app>`: it holds when the release is deployed at the revision kit
 * recorded and from the same inputs (chart, values files, computed values); otherwise it runs
 * `helm upgrade --install --wait` and records the new revision and inputs.
 */
export function appReleaseStep(args: {
  name: string;
  app: AppConfig;
  root: string;
  namespace: string;
  clusterProvider: KitConfig["cluster"]["provider"];
  /** The environment's release records (LocalEnvironment.releasesFile). */
  releasesFile: string;
  inputs: ReleaseInputs;
  deps: ReleaseDeps;
}): Step<string> {
  const { name, app, root, namespace, inputs, deps } = args;
  const computeRelease = (ctx: StepContext): AppReleaseSpec =>
    withDevSync(
      appReleaseSpec({
        name,
        app,
        namespace,
        clusterProvider: args.clusterProvider,
        pushed: ctx.resultOf(inputs.push),
        registry: ctx.resultOf(inputs.registry)?.clusterEndpoint,
        database: ctx.resultOf(inputs.database),
        emulator: ctx.resultOf(inputs.emulator),
        terraform: ctx.resultOf(inputs.terraform),
      }),
      inputs.devSync ? ctx.resultOf(inputs.devSync) : undefined,
    );
  const chart = `${root}/${app.chart}`;
  const valuesFiles = (app.values.local ?? []).map((file) => `${root}/${file}`);
  return {
    id: `deploy:${name}`,
    title: `${name} helm release`,
    needs: [
      inputs.push,
      inputs.terraform,
      inputs.networks,
      inputs.cluster,
      inputs.database,
      inputs.emulator,
      inputs.registry,
      ...(inputs.devSync ? [inputs.devSync] : []),
    ],
    async check(ctx) {
      const { cluster } = ctx.resultOf(inputs.cluster);
      const current = await deps.helm.getRelease(cluster, namespace, name, ctx.signal);
      if (current?.status !== "deployed") return { satisfied: false };
      const spec = computeRelease(ctx);
      const inputsHash = await deps.releaseInputsHash(chart, valuesFiles, spec.values);
      const record = await deps.readReleaseRecord(args.releasesFile, name);
      if (record?.inputsHash !== inputsHash || record.revision !== current.revision)
        return { satisfied: false };
      ctx.data(helmReleaseData(name, spec));
      return { satisfied: true, value: current.revision, summary: `revision ${current.revision} up to date` };
    },
    async apply(ctx) {
      const { cluster } = ctx.resultOf(inputs.cluster);
      const spec = computeRelease(ctx);
      await recoverInterruptedRelease(ctx, cluster, namespace, name, deps);
      await deps.helm.upgrade(
        cluster,
        {
          release: spec.release,
          chart,
          namespace: spec.namespace,
          valuesFiles,
          set: spec.set,
          setTyped: spec.setTyped,
          wait: true,
          timeout: "5m",
        },
        { signal: ctx.signal, onLine: (l) => ctx.log(l) },
      );
      const current = await deps.helm.getRelease(cluster, namespace, name, ctx.signal);
      const revision = current?.revision ?? "?";
      const inputsHash = await deps.releaseInputsHash(chart, valuesFiles, spec.values);
      await deps.writeReleaseRecord(args.releasesFile, name, { inputsHash, revision });
      ctx.data(helmReleaseData(name, spec));
      return revision;
    },
    summarize: (revision) => `revision ${revision} deployed`,
  };
}
