/**
 * status reports each component of the local environment: whether it exists, whether it is
 * healthy (a real check, not just "container exists"), and its endpoint.
 */
import { localEnvironmentName } from "../config/environment.ts";
import type { KitConfig } from "../config/schema.ts";
import { run } from "../exec/index.ts";
import { awsEmulatorStatus } from "../providers/aws/index.ts";
import { clusterProvider } from "../providers/cluster/index.ts";
import { inspectContainer, PROVIDER_LABEL } from "../providers/container/index.ts";
import { databaseStatus } from "../providers/database/index.ts";
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

async function httpOk(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    await response.body?.cancel();
    return response.ok ? "ok" : `HTTP ${response.status}`;
  } catch (err) {
    return (err as { cause?: { code?: string } }).cause?.code ?? "no answer";
  }
}

/** environmentStatus checks every component concurrently. */
export async function environmentStatus(config: KitConfig): Promise<ComponentStatus[]> {
  const names = environmentNames(localEnvironmentName(config));
  const provider = clusterProvider({
    provider: config.cluster.provider,
    name: names.cluster,
    context: config.cluster.context,
  });
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
    const inspect = await run("docker", ["inspect", "--format", "{{.State.Running}}", names.registry], {
      allowFailure: true,
    });
    if (inspect.exitCode !== 0) return { component: "registry", state: "absent", detail: "no container" };
    const endpoint = `localhost:${config.registry.hostPort}`;
    const answer = await httpOk(`http://127.0.0.1:${config.registry.hostPort}/v2/`);
    return {
      component: "registry",
      state: answer === "ok" ? "healthy" : "unhealthy",
      detail: `/v2/: ${answer}`,
      endpoint,
    };
  };
  const emulator = async (): Promise<ComponentStatus> => {
    const s = await awsEmulatorStatus(names.environment);
    if (!s.exists) return { component: "aws-emulator", state: "absent", detail: "no container" };
    return {
      component: "aws-emulator",
      state: s.running ? "healthy" : "unhealthy",
      detail: `${s.provider ?? "?"} ${s.running ? "running" : "stopped"}`,
      endpoint: s.endpoint,
    };
  };
  const database = async (): Promise<ComponentStatus> => {
    const s = await databaseStatus(names.environment, config.database.name);
    if (!s.exists) return { component: "database", state: "absent", detail: "no container" };
    return {
      component: "database",
      state: s.running ? "healthy" : "unhealthy",
      detail: `${s.provider ?? "?"} ${s.running ? "running" : "stopped"}`,
      endpoint: s.url,
    };
  };
  const postgres = async (): Promise<ComponentStatus> => {
    const info = await inspectContainer(postgresNames(names.environment).container).catch(() => undefined);
    if (!info) return { component: "postgres", state: "absent", detail: "no container" };
    const running = info.State.Running && !info.State.Paused;
    const hostPort = info.NetworkSettings.Ports[`${POSTGRES_PORT}/tcp`]?.find((b) => b.HostPort)?.HostPort;
    const settings = config.postgres;
    return {
      component: "postgres",
      state: running ? "healthy" : "unhealthy",
      detail: `${info.Config.Labels?.[PROVIDER_LABEL] ?? "?"} ${running ? "running" : info.State.Paused ? "paused" : info.State.Status}`,
      endpoint:
        running && hostPort && settings
          ? postgresUrl("127.0.0.1", Number(hostPort), { ...settings, password: LOCAL_POSTGRES_PASSWORD })
          : undefined,
    };
  };
  const app = async (name: string): Promise<ComponentStatus> => {
    const appConfig = config.apps[name];
    const release = await getRelease(provider.ref(), names.namespace, name).catch(() => undefined);
    if (!release || !appConfig) return { component: `app ${name}`, state: "absent", detail: "not installed" };
    const url = `http://127.0.0.1:${appConfig.hostPort}`;
    const answer = await httpOk(`${url}${appConfig.readinessPath}`);
    return {
      component: `app ${name}`,
      state: release.status === "deployed" && answer === "ok" ? "healthy" : "unhealthy",
      detail: `release ${release.status} (revision ${release.revision}), ${appConfig.readinessPath}: ${answer}`,
      endpoint: url,
    };
  };
  const containerApp = async (name: string): Promise<ComponentStatus> => {
    const appConfig = config.containers[name];
    const info = await inspectContainer(`${names.environment}-${name}`).catch(() => undefined);
    if (!info || !appConfig) return { component: `app ${name}`, state: "absent", detail: "no container" };
    const url = `http://127.0.0.1:${appConfig.hostPort}`;
    const running = info.State.Running && !info.State.Paused;
    const answer = running ? await httpOk(`${url}${appConfig.readinessPath}`) : info.State.Status;
    return {
      component: `app ${name}`,
      state: running && answer === "ok" ? "healthy" : "unhealthy",
      detail: `container ${running ? "running" : info.State.Paused ? "paused" : info.State.Status}, ${appConfig.readinessPath}: ${answer}`,
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
