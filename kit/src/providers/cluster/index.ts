/**
 * cluster is what `kit up` / `kit down` call for the Kubernetes side of a local environment:
 * ensureLocalRegistry starts the local registry; ensureClusterOnly resolves the node image
 * (upstream kindest/node or built by kit) and creates or reuses the kind cluster (or checks an
 * existing context); connectLocalRegistry wires the two together. ensureLocalCluster does all
 * three; deleteLocalCluster undoes it.
 */
import { ensureNodeImage, type NodeImageResult } from "../../images/node/index.ts";
import { ensureKubectl } from "../../images/node/kubernetes.ts";
import type { ImageSource } from "../../images/source.ts";
import { loadVersions } from "../../tools/catalog.ts";
import { connectRegistry, deleteRegistry, ensureRegistry, type Registry } from "../registry/index.ts";
import { ExistingCluster } from "./existing.ts";
import { KindCluster, type PortMapping } from "./kind.ts";
import type { ClusterProvider, EnsureResult } from "./types.ts";

export { ExistingCluster, type ExistingClusterOptions } from "./existing.ts";
export { KindCluster, type KindClusterOptions, type PortMapping, renderKindConfig } from "./kind.ts";
export type { ClusterProvider, ClusterRef, EnsureOptions, EnsureResult, NodeState } from "./types.ts";

/** LocalClusterOptions is what kit.config.yaml (cluster, registry, apps) decides. */
export interface LocalClusterOptions {
  /** images.source, resolved (resolveImageSource). */
  source: ImageSource;
  /** cluster.provider; default "kind". */
  provider?: "kind" | "existing";
  /** kind cluster name; default "kit". */
  name?: string;
  /** cluster.kubernetesVersion; default kit/versions.json. */
  kubernetesVersion?: string;
  /** cluster.workers; default 0. */
  workers?: number;
  /** One per app: the app's NodePort published on the same host port (apps.*.hostPort). */
  portMappings?: PortMapping[];
  /** kind: where kind writes the kubeconfig; existing: which kubeconfig to read. */
  kubeconfigPath?: string;
  /** existing: the context to use. */
  context?: string;
  /** registry.hostPort; default 5001. */
  registryHostPort?: number;
  /** Registry container name; default "kit-registry". */
  registryName?: string;
  /** Labels added to the registry container's (e.g. the environment it belongs to). */
  registryLabels?: Record<string, string>;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** LocalCluster is everything `kit up` needs to deploy: cluster, registry, kubectl. */
export interface LocalCluster {
  provider: ClusterProvider;
  cluster: EnsureResult;
  /** The local registry (kind provider only; an existing cluster uses the images' own registry). */
  registry?: Registry;
  nodeImage?: NodeImageResult;
  /** kit's own kubectl (built with the Kubernetes components), in kit's bin directory. */
  kubectl?: string;
}

/**
 * LocalClusterKind is what differs between the cluster providers, in one place: kind brings its
 * own node image and local registry and deletes what it made; an existing cluster has neither and
 * kit never deletes it.
 */
interface LocalClusterKind {
  /** provider returns the provider object for the options, without touching anything. */
  provider(
    options: Omit<LocalClusterOptions, "source"> & { nodeImage?: string | Promise<string> },
  ): ClusterProvider;
  registry(options: LocalClusterOptions): Promise<Registry | undefined>;
  ensure(options: LocalClusterOptions): Promise<LocalCluster>;
  delete(options: DeleteLocalClusterOptions): Promise<void>;
}

type DeleteLocalClusterOptions = Pick<
  LocalClusterOptions,
  "provider" | "name" | "kubeconfigPath" | "registryName" | "env" | "signal"
> & { keepRegistry?: boolean };

const progressOf = (options: LocalClusterOptions) => ({
  signal: options.signal,
  onLine: options.onLine,
  env: options.env,
});

const KINDS: Record<"kind" | "existing", LocalClusterKind> = {
  kind: {
    provider: (options) =>
      new KindCluster({
        name: options.name,
        nodeImage: options.nodeImage,
        kubeconfigPath: options.kubeconfigPath,
        workers: options.workers,
        portMappings: options.portMappings,
        env: options.env,
      }),
    registry: (options) =>
      ensureRegistry({
        ...progressOf(options),
        source: options.source,
        name: options.registryName,
        hostPort: options.registryHostPort,
        labels: options.registryLabels,
      }),
    async ensure(options) {
      const progress = progressOf(options);
      const kubernetesVersion = options.kubernetesVersion ?? loadVersions().kubernetes;
      // Naming the node image checks its build caches; a reused cluster's own checks overlap it.
      const nodeImage = ensureNodeImage({ ...progress, source: options.source, kubernetesVersion });
      const provider = KINDS.kind.provider({ ...options, nodeImage: nodeImage.then((image) => image.ref) });
      const cluster = await provider.ensure(progress);
      // In build mode kubectl was just built with the node image; upstream builds it on first use.
      const kubectl =
        options.source === "build" ? await ensureKubectl(kubernetesVersion, progress) : undefined;
      return { provider, cluster, nodeImage: await nodeImage, kubectl };
    },
    async delete(options) {
      await new KindCluster({
        name: options.name,
        kubeconfigPath: options.kubeconfigPath,
        env: options.env,
      }).delete(options.signal);
      if (!options.keepRegistry) await deleteRegistry(options.registryName, options.signal);
    },
  },
  existing: {
    provider: (options) =>
      new ExistingCluster({
        kubeconfigPath: options.kubeconfigPath,
        context: options.context,
        env: options.env,
      }),
    registry: async () => undefined,
    async ensure(options) {
      const provider = KINDS.existing.provider(options);
      return { provider, cluster: await provider.ensure(progressOf(options)) };
    },
    delete: async () => undefined,
  },
};

const kindOf = (options: { provider?: "kind" | "existing" }): LocalClusterKind =>
  KINDS[options.provider ?? "kind"];

/** clusterProvider returns the provider object for the options, without touching anything. */
export function clusterProvider(
  options: Omit<LocalClusterOptions, "source"> & { nodeImage?: string | Promise<string> },
): ClusterProvider {
  return kindOf(options).provider(options);
}

/**
 * ensureLocalRegistry starts (or reuses) the local registry. It needs nothing of the cluster, so
 * `kit up` pushes images while kind is still creating it; an existing cluster has no local registry.
 */
export function ensureLocalRegistry(options: LocalClusterOptions): Promise<Registry | undefined> {
  return kindOf(options).registry(options);
}

/** ensureClusterOnly makes (or reuses) the cluster and, for kind, its node image; not the registry. */
export function ensureClusterOnly(options: LocalClusterOptions): Promise<LocalCluster> {
  return kindOf(options).ensure(options);
}

/** connectLocalRegistry lets the cluster's nodes pull from the registry (see connectRegistry). */
export async function connectLocalRegistry(
  registry: Registry,
  local: LocalCluster,
  signal?: AbortSignal,
): Promise<void> {
  await connectRegistry(
    registry,
    local.cluster.nodes.map((n) => n.container ?? n.name),
    local.cluster,
    signal,
  );
}

/** ensureLocalCluster makes (or reuses) the cluster and the registry at once and wires them together. */
export async function ensureLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  const [registry, local] = await Promise.all([ensureLocalRegistry(options), ensureClusterOnly(options)]);
  if (registry) await connectLocalRegistry(registry, local, options.signal);
  return { ...local, registry };
}

/** deleteLocalCluster deletes the kind cluster and (unless keepRegistry) the registry container; an existing cluster is left alone. */
export function deleteLocalCluster(options: DeleteLocalClusterOptions): Promise<void> {
  return kindOf(options).delete(options);
}
