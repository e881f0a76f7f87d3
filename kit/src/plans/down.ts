/**
 * The down plan removes everything kit created for one environment, found by its names and by
 * kit's labels, and nothing else: the kind cluster, the registry, the emulator and database
 * containers (with --volumes, the database's data volume too), the Terraform sandbox's containers
 * and internal network, the `kind` Docker network once nothing uses it, and the environment's
 * state folder. It runs under the environment's lock.
 */
import { localEnvironmentName } from "../config/environment.ts";
import type { KitConfig } from "../config/schema.ts";
import { definePlan, type Plan, type Step } from "../engine/plan.ts";
import { forgetEnvironmentState, type LocalEnvironment } from "../environment/state.ts";
import { ENVIRONMENT_STEP, holdLock, underLock } from "../environment/steps.ts";
import { removeAwsEmulators } from "../providers/aws/index.ts";
import { clusterProvider, deleteLocalCluster } from "../providers/cluster/index.ts";
import { removeKitContainers } from "../providers/container/index.ts";
import { removeDatabases } from "../providers/database/index.ts";
import { POSTGRES_COMPONENT } from "../providers/postgres/index.ts";
import { deleteRegistry } from "../providers/registry/index.ts";
import { removeNetworkIfUnused } from "../tools/docker.ts";
import { uninstall } from "../tools/helm/index.ts";
import { removeTerraformSandboxes, sandboxNetworkName } from "../tools/terraform/sandbox.ts";
import { CONTAINER_APP_COMPONENT } from "./container-app.ts";
import { environmentNames } from "./names.ts";

/** DownOptions say what to remove. */
export interface DownOptions {
  config: KitConfig;
  root: string;
  /** The environment to remove (openLocalEnvironment). */
  environment: LocalEnvironment;
  /** Also remove data volumes (the database's). */
  volumes: boolean;
}

/** downPlan builds the plan that removes the local environment. */
export function downPlan(options: DownOptions): Plan {
  const { config, environment } = options;
  const envName = localEnvironmentName(config);
  const names = environmentNames(envName);
  const isKind = config.cluster.provider === "kind";
  const steps: Step<unknown>[] = [];
  if (isKind) {
    steps.push({
      id: "cluster",
      title: `delete cluster ${names.cluster}`,
      async check(ctx) {
        const exists = await clusterProvider({ name: names.cluster }).exists(ctx.signal);
        return exists ? { satisfied: false } : { satisfied: true, value: undefined, summary: "no cluster" };
      },
      async apply(ctx) {
        await deleteLocalCluster({
          provider: "kind",
          name: names.cluster,
          keepRegistry: true,
          signal: ctx.signal,
        });
        return undefined;
      },
      summarize: () => "deleted",
    });
  } else {
    steps.push({
      id: "releases",
      title: "uninstall the apps' releases",
      async apply(ctx) {
        const provider = clusterProvider({ provider: "existing", context: config.cluster.context });
        for (const app of Object.keys(config.apps))
          await uninstall(provider.ref(), names.namespace, app, ctx.signal);
        return undefined;
      },
      summarize: () => "uninstalled (the cluster itself is not kit's to delete)",
    });
  }
  steps.push(
    {
      id: "registry",
      title: `remove registry ${names.registry}`,
      async apply(ctx) {
        await deleteRegistry(names.registry, ctx.signal);
        return undefined;
      },
      summarize: () => "removed",
    },
    {
      id: "aws-emulator",
      title: "remove the AWS emulator",
      async apply() {
        await removeAwsEmulators(envName);
        return undefined;
      },
      summarize: () => "removed",
    },
    {
      id: "database",
      title: options.volumes ? "remove the database and its data" : "remove the database (data volume kept)",
      async apply() {
        await removeDatabases(envName, { volumes: options.volumes });
        return undefined;
      },
      summarize: () =>
        options.volumes ? "removed with its volume" : "removed; data kept (kit down --volumes removes it)",
    },
    {
      id: "postgres",
      title: options.volumes ? "remove PostgreSQL and its data" : "remove PostgreSQL (data volume kept)",
      async apply() {
        const removed = await removeKitContainers({
          project: envName,
          component: POSTGRES_COMPONENT,
          volumes: options.volumes,
        });
        return removed.containers + removed.volumes;
      },
      summarize: (n) =>
        n === 0 ? "none" : options.volumes ? "removed with its volume" : "removed; data kept",
    } satisfies Step<number>,
    {
      id: "containers",
      title: "remove the container apps",
      async apply() {
        const { containers } = await removeKitContainers({
          project: envName,
          component: CONTAINER_APP_COMPONENT,
        });
        return containers;
      },
      summarize: (n) => (n === 0 ? "none" : `removed ${n}`),
    } satisfies Step<number>,
    {
      id: "terraform-sandbox",
      title: `remove the Terraform sandbox (${sandboxNetworkName(envName)})`,
      async apply(ctx) {
        await removeTerraformSandboxes(envName, ctx.signal);
        return undefined;
      },
      summarize: () => "removed",
    },
    {
      id: "network",
      title: `remove the ${names.network} network when unused`,
      needs: [
        isKind ? "cluster" : "releases",
        "registry",
        "aws-emulator",
        "database",
        "postgres",
        "containers",
        "terraform-sandbox",
      ],
      async apply(ctx) {
        const what = await removeNetworkIfUnused(names.network, ctx.signal);
        return what === "in use" ? "in use by other containers; kept" : what;
      },
      summarize: (what) => String(what),
    },
    {
      id: "state",
      title: `forget environment ${envName}'s state`,
      needs: ["network"],
      async apply() {
        await forgetEnvironmentState(environment);
        return undefined;
      },
      summarize: () => `${environment.dir} removed`,
    },
  );
  return definePlan("down", [
    {
      id: ENVIRONMENT_STEP,
      title: `environment ${envName} (lock)`,
      async apply(ctx) {
        await holdLock(environment.lock, ctx);
        return undefined;
      },
      summarize: () => "locked",
    },
    ...steps.map((step) => underLock(step, environment.lock)),
  ]);
}
