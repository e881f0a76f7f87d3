/**
 * container runs the long-lived containers kit keeps beside the cluster (the database, the AWS
 * emulator, the Terraform sandbox) and owns the labels every kit container carries. It runs them
 * through testcontainers, with what testcontainers leaves out for that use: a fixed
 * name per project, kit's labels, a labelled named volume, reuse of the running container on the
 * next `kit up` (the same inputs give the same container), and label-scoped cleanup.
 *
 * Ryuk, testcontainers' reaper, is turned off: it removes containers when the process that
 * started them exits, but kit's containers must outlive `kit up`, and its image cannot be pulled
 * where no registry answers. kit removes what it created by label instead (`removeKitContainers`).
 */
import type { GenericContainer, StartedTestContainer, WaitStrategy } from "testcontainers";
import { wrapError } from "../../errors.ts";
import { run } from "../../exec/index.ts";
import { inputsHash } from "../../hash.ts";
import { docker, KIT_LABEL } from "../../tools/docker.ts";

/** COMPONENT_LABEL says which part of the environment a container is (database, aws, ...). */
export const COMPONENT_LABEL = "dev.kit.component";
/** PROJECT_LABEL names the kit project (environment) a container or volume belongs to. */
export const PROJECT_LABEL = "dev.kit.project";
/** PROVIDER_LABEL says which implementation runs a component (moto or localstack, mongo or ferretdb). */
export const PROVIDER_LABEL = "dev.kit.provider";
/** SPEC_LABEL holds the hash of the inputs a container was created from, to decide reuse. */
export const SPEC_LABEL = "dev.kit.spec";

/** ManagedContainerSpec is every input of one kit-managed container. */
export interface ManagedContainerSpec {
  /** Docker container name, unique per project and component, e.g. "kit-shop-database". */
  name: string;
  image: string;
  project: string;
  component: string;
  /** The container port clients use. */
  port: number;
  /** The host port to publish it on; a random free port when absent. */
  hostPort?: number;
  env?: Record<string, string>;
  command?: string[];
  /** A named volume (created with kit's labels) mounted at target. */
  volume?: { name: string; target: string };
  waitStrategy?: WaitStrategy;
  startupTimeoutMs?: number;
  /** Extra labels, added to kit's. */
  labels?: Record<string, string>;
  /** A Docker network to run on (its other containers reach this one by name), instead of the default bridge. */
  network?: string;
  /**
   * Started means an HTTP answer of any status on this path of port. testcontainers' default wait
   * also looks for the port inside the container with a shell, which distroless images do not have.
   */
  httpWaitPath?: string;
}

/** ManagedContainer is a running kit-managed container. */
export interface ManagedContainer {
  id: string;
  name: string;
  /** Host address and published port reachable from the host. */
  host: string;
  hostPort: number;
  /** true when an existing container from an earlier run was reused. */
  reused: boolean;
}

/** ContainerFactory makes the testcontainers object for an image (GenericContainer or a module's subclass). */
export type ContainerFactory = (image: string) => GenericContainer;

function disableReaper(): void {
  process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
  // Ports are published on 127.0.0.1 only (bindToLoopback); "localhost" may resolve to ::1 first.
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "127.0.0.1";
}

/** kitLabels returns the labels kit puts on a container or volume of a project and component. */
export function kitLabels(
  project: string,
  component: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { [KIT_LABEL]: "true", [PROJECT_LABEL]: project, [COMPONENT_LABEL]: component, ...extra };
}

export interface InspectedContainer {
  Id: string;
  State: { Running: boolean; Paused?: boolean; Status: string; StartedAt: string };
  Config: { Labels: Record<string, string> | null };
  NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[] | null> };
}

/** inspectContainer returns docker's view of a container by name or id, or undefined when there is none. */
export async function inspectContainer(name: string): Promise<InspectedContainer | undefined> {
  const out = await docker(["container", "ls", "-a", "--filter", `name=^/${name}$`, "--format", "{{.ID}}"]);
  const id = out.trim().split("\n")[0];
  if (!id) return undefined;
  const [info] = JSON.parse(await docker(["container", "inspect", id])) as InspectedContainer[];
  return info;
}

function publishedPort(info: InspectedContainer, port: number): number | undefined {
  const bindings = info.NetworkSettings.Ports[`${port}/tcp`] ?? [];
  const hostPort = bindings.find((b) => b.HostPort)?.HostPort;
  return hostPort ? Number(hostPort) : undefined;
}

/** ensureVolume creates a named volume with kit's labels unless it exists. */
export async function ensureVolume(name: string, labels: Record<string, string>): Promise<void> {
  const existing = await docker(["volume", "ls", "-q", "--filter", `name=^${name}$`]);
  if (existing.split("\n").some((line) => line.trim() === name)) return;
  const args = ["volume", "create"];
  for (const [k, v] of Object.entries(labels)) args.push("--label", `${k}=${v}`);
  await docker([...args, name]);
}

/** specHash is the reuse key of a container spec. */
export function specHash(spec: ManagedContainerSpec): string {
  const { waitStrategy: _wait, startupTimeoutMs: _timeout, ...inputs } = spec;
  // layout 2: ports are published on 127.0.0.1 only; older containers (every interface) are replaced.
  return inputsHash({ inputs, layout: 2 }, 16);
}

/**
 * bindToLoopback publishes a container's ports on 127.0.0.1 only: testcontainers binds every
 * interface, and neither the emulator nor the database asks for credentials. The cluster reaches
 * them over the Docker network instead. testcontainers has no option for it, so this sets HostIp
 * on the port bindings it prepared (kit/test/terraform/isolation.integration.test.ts checks it).
 */
export function bindToLoopback(container: GenericContainer): void {
  const { hostConfig } = container as unknown as {
    hostConfig?: { PortBindings?: Record<string, { HostIp?: string; HostPort: string }[]> };
  };
  const bindings = Object.values(hostConfig?.PortBindings ?? {}).flat();
  if (bindings.length === 0)
    throw new Error("testcontainers prepared no port bindings to restrict to 127.0.0.1");
  for (const binding of bindings) binding.HostIp = "127.0.0.1";
}

async function defaultFactory(): Promise<ContainerFactory> {
  const { GenericContainer } = await import("testcontainers");
  return (image) => new GenericContainer(image);
}

/**
 * startManagedContainer returns the running container for spec: the one from an earlier run when
 * its inputs are unchanged (started again if it was stopped, resumed if it was paused), otherwise a new one (an outdated
 * container is removed first; its volume stays). The caller then checks readiness with a real call.
 */
export async function startManagedContainer(
  spec: ManagedContainerSpec,
  factory?: ContainerFactory,
): Promise<ManagedContainer> {
  disableReaper();
  const hash = specHash(spec);
  const labels = kitLabels(spec.project, spec.component, { ...spec.labels, [SPEC_LABEL]: hash });
  try {
    const existing = await inspectContainer(spec.name);
    if (existing && existing.Config.Labels?.[SPEC_LABEL] === hash) {
      if (!existing.State.Running) await docker(["container", "start", existing.Id]);
      // kit stop pauses the AWS emulator (its state is in memory): resume it as it was.
      else if (existing.State.Paused) await docker(["container", "unpause", existing.Id]);
      const info = existing.State.Running ? existing : await inspectContainer(spec.name);
      const hostPort = info && publishedPort(info, spec.port);
      if (info && hostPort)
        return { id: info.Id, name: spec.name, host: "127.0.0.1", hostPort, reused: true };
    }
    if (existing) await docker(["container", "rm", "-f", existing.Id]);
    if (spec.volume) await ensureVolume(spec.volume.name, kitLabels(spec.project, spec.component));

    // testcontainers is loaded only when a container is made (it takes half a second to load).
    const make = factory ?? (await defaultFactory());
    let container = make(spec.image)
      .withName(spec.name)
      .withLabels(labels)
      .withExposedPorts(spec.hostPort ? { container: spec.port, host: spec.hostPort } : spec.port)
      .withEnvironment(spec.env ?? {});
    bindToLoopback(container);
    if (spec.command) container = container.withCommand(spec.command);
    if (spec.network) container = container.withNetworkMode(spec.network);
    if (spec.volume)
      container = container.withBindMounts([{ source: spec.volume.name, target: spec.volume.target }]);
    if (spec.waitStrategy) container = container.withWaitStrategy(spec.waitStrategy);
    else if (spec.httpWaitPath) {
      const { Wait } = await import("testcontainers");
      container = container.withWaitStrategy(
        Wait.forHttp(spec.httpWaitPath, spec.port).forStatusCodeMatching(() => true),
      );
    }
    if (spec.startupTimeoutMs) container = container.withStartupTimeout(spec.startupTimeoutMs);
    const started: StartedTestContainer = await container.start();
    return {
      id: started.getId(),
      name: spec.name,
      host: "127.0.0.1",
      hostPort: started.getMappedPort(spec.port),
      reused: false,
    };
  } catch (err) {
    const logs = await run("docker", ["logs", "--tail", "20", spec.name], {
      allowFailure: true,
      timeoutMs: 15_000,
    })
      .then((r) => r.stdout + r.stderr)
      .catch(() => "");
    const detail = logs.trim() ? ` Its last log lines:\n${logs.trimEnd()}` : "";
    throw wrapError(err, `starting container ${spec.name} from image ${spec.image}${detail}\n`);
  }
}

/**
 * connectToNetwork attaches a container to a Docker network (e.g. kind's `kind` network) so pods
 * reach it by its name or the given aliases; a container already attached is left as it is.
 */
export async function connectToNetwork(
  container: string,
  network: string,
  aliases: string[] = [],
): Promise<void> {
  const attached = await docker([
    "container",
    "inspect",
    "--format",
    "{{range $k, $v := .NetworkSettings.Networks}}{{$k}}\n{{end}}",
    container,
  ]);
  if (attached.split("\n").includes(network)) return;
  const args = ["network", "connect"];
  for (const alias of aliases) args.push("--alias", alias);
  await docker([...args, network, container]);
}

/** stopContainer stops a container (keeping it and its volume) if it exists. */
export async function stopContainer(name: string): Promise<void> {
  const info = await inspectContainer(name);
  if (info?.State.Running) await docker(["container", "stop", "-t", "10", info.Id]);
}

/** removeContainer removes a container, and its named volume when volume is given. */
export async function removeContainer(name: string, volume?: string): Promise<void> {
  const info = await inspectContainer(name);
  if (info) await docker(["container", "rm", "-f", "-v", info.Id]);
  if (volume) await docker(["volume", "rm", "-f", volume]);
}

/**
 * removeKitContainers removes every container kit labelled for a project (optionally one
 * component), and with volumes: true their labelled volumes too. It touches nothing unlabelled.
 */
export async function removeKitContainers(
  filter: { project?: string; component?: string; volumes?: boolean } = {},
): Promise<{ containers: number; volumes: number }> {
  const filters = ["--filter", `label=${KIT_LABEL}=true`];
  if (filter.project) filters.push("--filter", `label=${PROJECT_LABEL}=${filter.project}`);
  if (filter.component) filters.push("--filter", `label=${COMPONENT_LABEL}=${filter.component}`);
  const ids = (await docker(["container", "ls", "-aq", ...filters])).split("\n").filter(Boolean);
  if (ids.length > 0) await docker(["container", "rm", "-f", "-v", ...ids]);
  let volumes: string[] = [];
  if (filter.volumes) {
    volumes = (await docker(["volume", "ls", "-q", ...filters])).split("\n").filter(Boolean);
    if (volumes.length > 0) await docker(["volume", "rm", "-f", ...volumes]);
  }
  return { containers: ids.length, volumes: volumes.length };
}
