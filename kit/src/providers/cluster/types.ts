/**
 * types is the small interface every cluster provider implements (after kind's
 * pkg/cluster/provider.go): make sure a cluster exists (creating it or reusing it), tell whether
 * it exists, delete it, say how to reach it (kubeconfig file and context), and wait for its nodes.
 */

/** ClusterRef says how to reach a cluster: the kubeconfig file and the context in it. */
export interface ClusterRef {
  kubeconfigPath: string;
  context: string;
}

/** NodeState is one node's name, readiness and (for kind) its Docker container. */
export interface NodeState {
  name: string;
  ready: boolean;
  /** The Docker container that is this node (kind provider only). */
  container?: string;
}

/** EnsureResult is what ensure did and how to reach the cluster. */
export interface EnsureResult extends ClusterRef {
  name: string;
  /** true when this call created the cluster; false when it reused one. */
  created: boolean;
  /** true when this call started stopped nodes (kit stop): pods restart with new IPs. */
  restarted?: boolean;
  /** The node image the cluster runs (kind provider only). */
  nodeImage?: string;
  nodes: NodeState[];
  /** Seconds spent creating (or finding) the cluster, and then waiting for Ready nodes. */
  createSeconds: number;
  readySeconds: number;
}

/** EnsureOptions carry cancellation, progress output and how long to wait for Ready nodes. */
export interface EnsureOptions {
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  /** Default 5 minutes. */
  readyTimeoutMs?: number;
}

/** ClusterProvider is implemented by `kind` (kit makes the cluster) and `existing` (any context). */
export interface ClusterProvider {
  readonly kind: "kind" | "existing";
  /** The cluster's name (kind cluster name, or the context name for existing). */
  readonly name: string;
  /** ensure creates the cluster if missing, reuses it if present, and waits for Ready nodes. */
  ensure(options?: EnsureOptions): Promise<EnsureResult>;
  exists(signal?: AbortSignal): Promise<boolean>;
  /** delete removes the cluster (existing: refuses, kit never deletes a cluster it did not make). */
  delete(signal?: AbortSignal): Promise<void>;
  /** ref returns the kubeconfig path and context kit uses for this cluster. */
  ref(): ClusterRef;
  /** nodes lists the nodes and whether each is Ready. */
  nodes(signal?: AbortSignal): Promise<NodeState[]>;
}
