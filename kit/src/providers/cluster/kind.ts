/**
 * kind is kit's default cluster provider: a kind cluster from the node image kit resolved
 * (upstream kindest/node or the one kit built), with the config in `kind/cluster/kind-config.yaml`
 * plus what kit.config.yaml decides (name, port mappings for app NodePorts, workers). ensure is
 * idempotent: an existing cluster is reused (stopped node containers are started again), and a
 * failed `kind create cluster` leaves nothing behind (kind deletes what it made).
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parse, stringify } from "yaml";
import { KitError } from "../../errors.ts";
import { type Execer, realExecer } from "../../exec/execer.ts";
import { KIND_DIR } from "../../images/node/parts.ts";
import { environmentDir } from "../../paths.ts";
import { ensureGoTool } from "../../tools/catalog.ts";
import { createDockerCli, type DockerCli } from "../../tools/docker.ts";
import { listNodes, waitForClusterDns, waitForReadyNodes } from "./kube.ts";
import type { ClusterProvider, ClusterRef, EnsureOptions, EnsureResult, NodeState } from "./types.ts";

/** PortMapping publishes a node port on the host (kind extraPortMappings). */
export interface PortMapping {
  containerPort: number;
  hostPort: number;
  listenAddress?: string;
  protocol?: "TCP" | "UDP" | "SCTP";
}

/** KindClusterOptions configure one kind cluster. */
export interface KindClusterOptions {
  /** kind cluster name; the kubeconfig context is `kind-<name>`. Default "kit". */
  name?: string;
  /**
   * Node image (from ensureNodeImage). Required to create a cluster. It may still be on its way:
   * a reused cluster only compares it with the image its nodes run, after its own checks, so
   * naming it (a few hundred ms of cache checks) overlaps them.
   */
  nodeImage?: string | Promise<string>;
  /** Default ~/.cache/kit/envs/<name>/kubeconfig, with the environment's other state (kit never edits ~/.kube/config unasked). */
  kubeconfigPath?: string;
  workers?: number;
  portMappings?: PortMapping[];
  /** Default kind/cluster/kind-config.yaml. */
  configTemplate?: string;
  /** The kind binary; default kit's own build (ensureGoTool("kind")). */
  kindBinary?: string;
  /**
   * Docker network for the nodes (kind's KIND_EXPERIMENTAL_DOCKER_NETWORK; kind creates it when
   * missing and never removes it). Default "kind", shared by every kind cluster on the machine.
   */
  network?: string;
  env?: NodeJS.ProcessEnv;
  /** Runs kind and docker; default the real processes (unit tests pass a FakeExecer). */
  execer?: Execer;
}

/** KIND_CONFIG_TEMPLATE is the kind config every kit cluster starts from. */
export const KIND_CONFIG_TEMPLATE = join(KIND_DIR, "cluster", "kind-config.yaml");

interface KindNode {
  role: string;
  image?: string;
  labels?: Record<string, string>;
  extraPortMappings?: PortMapping[];
  [key: string]: unknown;
}

/** kindEnv is what kind runs with: the Docker network for the nodes, when one is set. */
export function kindEnv(network: string | undefined): Record<string, string> | undefined {
  return network ? { KIND_EXPERIMENTAL_DOCKER_NETWORK: network } : undefined;
}

/** renderKindConfig fills the template with the cluster's name, image, port mappings and workers. */
export function renderKindConfig(
  template: string,
  options: Required<Pick<KindClusterOptions, "name">> &
    Omit<KindClusterOptions, "nodeImage"> & { nodeImage?: string },
): string {
  const config = parse(template) as { name?: string; nodes?: KindNode[]; [key: string]: unknown };
  config.name = options.name;
  const nodes: KindNode[] = config.nodes?.length ? config.nodes : [{ role: "control-plane" }];
  const controlPlane = nodes.find((n) => n.role === "control-plane");
  if (!controlPlane) throw new KitError("user", `${KIND_CONFIG_TEMPLATE} has no control-plane node`);
  if (options.portMappings?.length) {
    controlPlane.extraPortMappings = [
      ...(controlPlane.extraPortMappings ?? []),
      ...options.portMappings.map((p) => ({ listenAddress: "127.0.0.1", protocol: "TCP" as const, ...p })),
    ];
  }
  const workers = nodes.filter((n) => n.role === "worker").length;
  for (let i = workers; i < (options.workers ?? 0); i++) nodes.push({ role: "worker" });
  if (options.nodeImage) for (const n of nodes) n.image = options.nodeImage;
  config.nodes = nodes;
  return stringify(config);
}

/** KindCluster manages one kind cluster. */
export class KindCluster implements ClusterProvider {
  readonly kind = "kind" as const;
  readonly name: string;
  private readonly options: KindClusterOptions;
  private readonly kubeconfigPath: string;
  private readonly execer: Execer;
  private readonly docker: DockerCli["docker"];

  constructor(options: KindClusterOptions = {}) {
    this.options = options;
    this.execer = options.execer ?? realExecer;
    this.docker = createDockerCli(this.execer).docker;
    this.name = options.name ?? "kit";
    this.kubeconfigPath =
      options.kubeconfigPath ?? join(environmentDir(this.name, options.env), "kubeconfig");
  }

  /** ref returns the kubeconfig file kind writes and the `kind-<name>` context. */
  ref(): ClusterRef {
    return { kubeconfigPath: this.kubeconfigPath, context: `kind-${this.name}` };
  }

  private async kindBin(signal?: AbortSignal): Promise<string> {
    return this.options.kindBinary ?? (await ensureGoTool("kind", { signal, env: this.options.env }));
  }

  private async kindRun(args: string[], options: EnsureOptions & { timeoutMs?: number } = {}) {
    return this.execer.run(await this.kindBin(options.signal), args, {
      env: kindEnv(this.options.network),
      signal: options.signal,
      onLine: options.onLine,
      timeoutMs: options.timeoutMs ?? 10 * 60_000,
      hint: "kind failed; its output above says why. `docker ps -a --filter label=io.x-k8s.kind.cluster` shows its node containers.",
    });
  }

  /**
   * exists says whether kind knows a cluster with this name. `kind get clusters` lists the values of
   * the io.x-k8s.kind.cluster label on Docker's containers; asking Docker for this name's node
   * containers is the same answer without starting kind.
   */
  async exists(signal?: AbortSignal): Promise<boolean> {
    return (await this.nodeContainers(signal)).length > 0;
  }

  /** nodeContainers returns the Docker containers of this cluster's nodes with their state. */
  async nodeContainers(signal?: AbortSignal): Promise<{ name: string; state: string; image: string }[]> {
    const out = await this.docker(
      [
        "ps",
        "-a",
        "--filter",
        `label=io.x-k8s.kind.cluster=${this.name}`,
        "--format",
        "{{.Names}}\t{{.State}}\t{{.Image}}",
      ],
      { signal },
    );
    return out
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [name = "", state = "", image = ""] = l.split("\t");
        return { name, state, image };
      });
  }

  /** nodes lists the Kubernetes nodes (each one is a Docker container of the same name). */
  async nodes(signal?: AbortSignal): Promise<NodeState[]> {
    signal?.throwIfAborted();
    return (await listNodes(this.ref())).map((n) => ({ ...n, container: n.name }));
  }

  /** ensure creates the cluster unless it exists, then waits until every node is Ready. */
  async ensure(options: EnsureOptions = {}): Promise<EnsureResult> {
    const started = Date.now();
    const expected = 1 + (this.options.workers ?? 0);
    let created = false;
    let restarted = false;
    const wanted = this.options.nodeImage;
    // Awaited below on every path; until then a failure must not count as unhandled.
    if (wanted instanceof Promise) wanted.catch(() => undefined);
    let nodeImage: string | undefined;
    await mkdir(dirname(this.kubeconfigPath), { recursive: true });
    const containers = await this.nodeContainers(options.signal);
    if (containers.length > 0) {
      for (const c of containers.filter((c) => c.state !== "running")) {
        if (c.state === "paused") {
          // kit stop pauses the nodes: they resume as they were, pods and all.
          options.onLine?.(`resuming paused kind node ${c.name}`);
          await this.docker(["unpause", c.name], { signal: options.signal });
          continue;
        }
        options.onLine?.(`starting stopped kind node ${c.name}`);
        await this.docker(["start", c.name], { signal: options.signal });
        restarted = true;
      }
      nodeImage = containers[0]?.image;
      // The kubeconfig kit wrote earlier is still good when the API server answers through it (its
      // port changes only when the node container is recreated); otherwise kind writes it again.
      const answers =
        existsSync(this.kubeconfigPath) &&
        (await listNodes(this.ref()).then(
          () => true,
          () => false,
        ));
      if (!answers) {
        await this.kindRun(
          ["export", "kubeconfig", "--name", this.name, "--kubeconfig", this.kubeconfigPath],
          options,
        );
      }
    } else {
      nodeImage = await wanted;
      if (!nodeImage)
        throw new KitError("bug", "KindCluster.ensure needs options.nodeImage to create a cluster");
      const template = await readFile(this.options.configTemplate ?? KIND_CONFIG_TEMPLATE, "utf8");
      const configPath = join(dirname(this.kubeconfigPath), "kind-config.yaml");
      await writeFile(
        configPath,
        renderKindConfig(template, { ...this.options, nodeImage, name: this.name }),
      );
      await this.kindRun(
        [
          "create",
          "cluster",
          "--name",
          this.name,
          "--image",
          nodeImage,
          "--config",
          configPath,
          "--kubeconfig",
          this.kubeconfigPath,
          "--wait",
          "0s",
        ],
        { ...options, timeoutMs: 15 * 60_000 },
      );
      created = true;
    }
    const createSeconds = (Date.now() - started) / 1000;
    const readyStarted = Date.now();
    const ready = await waitForReadyNodes(
      this.ref(),
      expected,
      options.readyTimeoutMs ?? 5 * 60_000,
      options.signal,
    );
    // Ready nodes are not yet a usable cluster: pods resolve names through CoreDNS.
    await waitForClusterDns(this.ref(), options.readyTimeoutMs ?? 5 * 60_000, options.signal);
    const wantedImage = await wanted;
    if (!created && wantedImage && nodeImage && nodeImage !== wantedImage) {
      options.onLine?.(
        `kind cluster ${this.name} runs ${nodeImage}, not ${wantedImage}; reusing it (run \`kit down\` to recreate)`,
      );
    }
    return {
      name: this.name,
      ...this.ref(),
      created,
      restarted,
      nodeImage,
      nodes: ready.map((n) => ({ ...n, container: n.name })),
      createSeconds,
      readySeconds: (Date.now() - readyStarted) / 1000,
    };
  }

  /** delete removes the cluster's node containers and its kubeconfig entry (no-op when absent). */
  async delete(signal?: AbortSignal): Promise<void> {
    if (!(await this.exists(signal))) return;
    await this.kindRun(["delete", "cluster", "--name", this.name, "--kubeconfig", this.kubeconfigPath], {
      signal,
      timeoutMs: 5 * 60_000,
    });
    await rm(join(dirname(this.kubeconfigPath), "kind-config.yaml"), { force: true });
  }
}
