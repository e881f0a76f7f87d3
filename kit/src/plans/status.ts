/**
 * status reports each component of the local environment: whether it exists, whether it is
 * healthy (a real check, not just "container exists"), and its endpoint. What it asks Docker, the
 * cluster, helm and the apps comes in as StatusDeps, so a unit test can stand each one in.
 */
import { localEnvironmentName } from "../config/environment.ts";
import type { KitConfig } from "../config/schema.ts";
import { type AwsEmulatorStatus, awsEmulatorStatus } from "../providers/aws/index.ts";
import { type ClusterProvider, clusterProvider } from "../providers/cluster/index.ts";
import { type InspectedContainer, inspectContainer, PROVIDER_LABEL } from "../providers/container/index.ts";
import { type DatabaseStatus, databaseStatus } from "../providers/database/index.ts";
import { POSTGRES_PORT, postgresNames, postgresUrl } from "../providers/postgres/index.ts";
import { formatTable } from "../table.ts";
import { getRelease } from "../tools/helm/index.ts";
import { environmentNames } from "./names.ts";
import { LOCAL_POSTGRES_PASSWORD } from "./postgres-step.ts";

/** ComponentStatus is one row of `kit status`. */
export interface ComponentStatus {
  component: string;
  state: "healthy" | "unhealthy" | "absent";
  detail: string;
  endpoint?: string;
}

/** StatusDeps are what the status asks: the cluster, Docker, helm, the emulator, the database and HTTP. */
export interface StatusDeps {
  cluster(config: KitConfig, name: string): Pick<ClusterProvider, "exists" | "nodes" | "ref">;
  inspectContainer(name: string): Promise<InspectedContainer | undefined>;
  awsEmulatorStatus(environment: string): Promise<AwsEmulatorStatus>;
  databaseStatus(environment: string, database: string): Promise<DatabaseStatus>;
  getRelease: typeof getRelease;
  /** httpOk answers "ok" for a 2xx, else "HTTP <status>" or the connection error's code. */
  httpOk(url: string): Promise<string>;
}

async function httpOk(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    await response.body?.cancel();
    return response.ok ? "ok" : `HTTP ${response.status}`;
  } catch (err) {
    return (err as { cause?: { code?: string } }).cause?.code ?? "no answer";
  }
}

/** realStatusDeps asks the real systems. */
export const realStatusDeps: StatusDeps = {
  cluster: (config, name) =>
    clusterProvider({ provider: config.cluster.provider, name, context: config.cluster.context }),
  inspectContainer,
  awsEmulatorStatus,
  databaseStatus,
  getRelease,
  httpOk,
};

/** containerState says how a container is: running, paused, or docker's status word. */
function containerState(info: InspectedContainer): string {
  return info.State.Running && !info.State.Paused
    ? "running"
    : info.State.Paused
      ? "paused"
      : info.State.Status;
}

/** environmentStatus checks every component concurrently. */
export async function environmentStatus(
  config: KitConfig,
  deps: StatusDeps = realStatusDeps,
): Promise<ComponentStatus[]> {
  const names = environmentNames(localEnvironmentName(config));
  const provider = deps.cluster(config, names.cluster);
  const cluster = async (): Promise<ComponentStatus> => {
    if (!(await provider.exists().catch(() => false))) {
      return { component: "cluster", state: "absent", detail: `no cluster ${names.cluster}` };
    }
    const nodes = await provider.nodes().catch(() => []);
    const ready = nodes.filter((n) => n.ready).length;
    return {
      component: "cluster",
      state: nodes.length > 0 && ready === nodes.length ? "healthy" : "unhealthy",
      detail: `${ready}/${nodes.length} node(s) Ready`,
      endpoint: `context ${provider.ref().context}, kubeconfig ${provider.ref().kubeconfigPath}`,
    };
  };
  const registry = async (): Promise<ComponentStatus> => {
    const info = await deps.inspectContainer(names.registry).catch(() => undefined);
    if (!info) return { component: "registry", state: "absent", detail: "no container" };
    const endpoint = `localhost:${config.registry.hostPort}`;
    const state = containerState(info);
    const answer =
      state === "running" ? await deps.httpOk(`http://127.0.0.1:${config.registry.hostPort}/v2/`) : state;
    return {
      component: "registry",
      state: answer === "ok" ? "healthy" : "unhealthy",
      detail: `/v2/: ${answer}`,
      endpoint,
    };
  };
  const emulator = async (): Promise<ComponentStatus> => {
    const s = await deps.awsEmulatorStatus(names.environment);
    if (!s.exists) return { component: "aws-emulator", state: "absent", detail: "no container" };
    return {
      component: "aws-emulator",
      state: s.running ? "healthy" : "unhealthy",
      detail: `${s.provider ?? "?"} ${s.running ? "running" : "stopped"}`,
      endpoint: s.endpoint,
    };
  };
  const database = async (): Promise<ComponentStatus> => {
    const s = await deps.databaseStatus(names.environment, config.database.name);
    if (!s.exists) return { component: "database", state: "absent", detail: "no container" };
    return {
      component: "database",
      state: s.running ? "healthy" : "unhealthy",
      detail: `${s.provider ?? "?"} ${s.running ? "running" : "stopped"}`,
      endpoint: s.url,
    };
  };
  const postgres = async (): Promise<ComponentStatus> => {
    const info = await deps
      .inspectContainer(postgresNames(names.environment).container)
      .catch(() => undefined);
    if (!info) return { component: "postgres", state: "absent", detail: "no container" };
    const running = containerState(info) === "running";
    const hostPort = info.NetworkSettings.Ports[`${POSTGRES_PORT}/tcp`]?.find((b) => b.HostPort)?.HostPort;
    const settings = config.postgres;
    return {
      component: "postgres",
      state: running ? "healthy" : "unhealthy",
      detail: `${info.Config.Labels?.[PROVIDER_LABEL] ?? "?"} ${containerState(info)}`,
      endpoint:
        running && hostPort && settings
          ? postgresUrl("127.0.0.1", Number(hostPort), { ...settings, password: LOCAL_POSTGRES_PASSWORD })
          : undefined,
    };
  };
  const app = async (name: string): Promise<ComponentStatus> => {
    const appConfig = config.apps[name];
    const release = await deps.getRelease(provider.ref(), names.namespace, name).catch(() => undefined);
    if (!release || !appConfig) return { component: `app ${name}`, state: "absent", detail: "not installed" };
    const url = `http://127.0.0.1:${appConfig.hostPort}`;
    const answer = await deps.httpOk(`${url}${appConfig.readinessPath}`);
    return {
      component: `app ${name}`,
      state: release.status === "deployed" && answer === "ok" ? "healthy" : "unhealthy",
      detail: `release ${release.status} (revision ${release.revision}), ${appConfig.readinessPath}: ${answer}`,
      endpoint: url,
    };
  };
  const containerApp = async (name: string): Promise<ComponentStatus> => {
    const appConfig = config.containers[name];
    const info = await deps.inspectContainer(`${names.environment}-${name}`).catch(() => undefined);
    if (!info || !appConfig) return { component: `app ${name}`, state: "absent", detail: "no container" };
    const url = `http://127.0.0.1:${appConfig.hostPort}`;
    const state = containerState(info);
    const running = state === "running";
    const answer = running ? await deps.httpOk(`${url}${appConfig.readinessPath}`) : state;
    return {
      component: `app ${name}`,
      state: running && answer === "ok" ? "healthy" : "unhealthy",
      detail: `container ${state}, ${appConfig.readinessPath}: ${answer}`,
      endpoint: url,
    };
  };
  return Promise.all([
    cluster(),
    registry(),
    emulator(),
    database(),
    ...(config.postgres ? [postgres()] : []),
    ...Object.keys(config.apps).map(app),
    ...Object.keys(config.containers).map(containerApp),
  ]);
}

/** formatStatusTable renders the status rows as an aligned table. */
export function formatStatusTable(rows: ComponentStatus[]): string {
  const cells = rows.map((r) => [r.component, r.state, r.detail, r.endpoint ?? ""]);
  return `${formatTable(["COMPONENT", "STATE", "DETAIL", "ENDPOINT"], cells)}\n`;
}
