/**
 * existing is the cluster provider for a cluster kit did not make: any context of any kubeconfig
 * (a shared dev cluster, k3d, Docker Desktop, minikube). kit only checks that it answers and that
 * its nodes are Ready; it never creates or deletes it.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { KitError, UserError } from "../../errors.ts";
import { listNodes, waitForReadyNodes } from "./kube.ts";
import type { ClusterProvider, ClusterRef, EnsureOptions, EnsureResult, NodeState } from "./types.ts";

/** ExistingClusterOptions name the kubeconfig and context. */
export interface ExistingClusterOptions {
  /** Default: the first file of $KUBECONFIG, else ~/.kube/config. */
  kubeconfigPath?: string;
  /** Default: the kubeconfig's current context. */
  context?: string;
  env?: NodeJS.ProcessEnv;
}

/** defaultKubeconfigPath is what kubectl would read. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = env.KUBECONFIG?.split(delimiter).find(Boolean);
  return first ?? join(homedir(), ".kube", "config");
}

/** ExistingCluster uses a cluster reachable through a kubeconfig context. */
export class ExistingCluster implements ClusterProvider {
  readonly kind = "existing" as const;
  readonly name: string;
  private readonly clusterRef: ClusterRef;

  constructor(options: ExistingClusterOptions = {}) {
    const kubeconfigPath = options.kubeconfigPath ?? defaultKubeconfigPath(options.env);
    const context = options.context ?? currentContextOf(kubeconfigPath);
    this.clusterRef = { kubeconfigPath, context };
    this.name = context;
  }

  /** ref returns the kubeconfig file and context given (or found). */
  ref(): ClusterRef {
    return this.clusterRef;
  }

  /** exists says whether the context's API server answers. */
  async exists(signal?: AbortSignal): Promise<boolean> {
    signal?.throwIfAborted();
    try {
      await listNodes(this.clusterRef);
      return true;
    } catch {
      return false;
    }
  }

  /** nodes lists the cluster's nodes. */
  async nodes(signal?: AbortSignal): Promise<NodeState[]> {
    signal?.throwIfAborted();
    return listNodes(this.clusterRef);
  }

  /** ensure checks the cluster answers and waits for its nodes to be Ready; it never creates one. */
  async ensure(options: EnsureOptions = {}): Promise<EnsureResult> {
    const started = Date.now();
    if (!(await this.exists(options.signal))) {
      throw new UserError(
        `the cluster of context ${this.clusterRef.context} (${this.clusterRef.kubeconfigPath}) does not answer`,
        {
          hint: "Start that cluster, fix cluster.context / cluster.kubeconfig in kit.config.yaml, or use cluster.provider: kind.",
        },
      );
    }
    const createSeconds = (Date.now() - started) / 1000;
    const readyStarted = Date.now();
    const nodes = await waitForReadyNodes(
      this.clusterRef,
      1,
      options.readyTimeoutMs ?? 60_000,
      options.signal,
    );
    return {
      name: this.name,
      ...this.clusterRef,
      created: false,
      nodes,
      createSeconds,
      readySeconds: (Date.now() - readyStarted) / 1000,
    };
  }

  /** delete refuses: kit does not delete clusters it did not create. */
  async delete(): Promise<void> {
    throw new KitError(
      "user",
      `kit does not delete the existing cluster of context ${this.clusterRef.context}`,
      {
        hint: "Delete it with the tool that made it; `kit down` leaves existing clusters alone.",
      },
    );
  }
}

function currentContextOf(kubeconfigPath: string): string {
  let current: unknown;
  try {
    const doc = parseYaml(readFileSync(kubeconfigPath, "utf8")) as { "current-context"?: unknown } | null;
    current = doc?.["current-context"];
  } catch (err) {
    throw new UserError(`cannot read the kubeconfig ${kubeconfigPath}`, {
      hint: "Set cluster.kubeconfig in kit.config.yaml or KUBECONFIG to a readable file.",
      cause: err,
    });
  }
  if (typeof current !== "string" || current === "") {
    throw new UserError(`the kubeconfig ${kubeconfigPath} has no current context`, {
      hint: "Set cluster.context in kit.config.yaml.",
    });
  }
  return current;
}
