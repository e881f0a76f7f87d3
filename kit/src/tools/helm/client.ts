/**
 * client is the small interface plans use for Helm, so a plan's graph is unit-tested with a fake
 * (as kind passes its Provider into create.Cluster), and createHelmCli implements it with the helm
 * CLI through an Execer, so the commands themselves are unit-tested with a FakeExecer. helmCli
 * runs the real helm.
 */
import { type Execer, realExecer } from "../../exec/execer.ts";
import type { ClusterRef } from "../../providers/cluster/types.ts";
import { type HelmRelease, kubeArgs, type UpgradeRequest, upgradeArgs, writeComputedValues } from "./args.ts";

/** HelmRevision is one entry of `helm history -o json`. */
export interface HelmRevision {
  revision: number;
  status: string;
  chart: string;
  description: string;
}

/** HelmCallOptions carry cancellation and output lines. */
export interface HelmCallOptions {
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

/** HelmClient is what plans need of Helm. */
export interface HelmClient {
  getRelease(
    cluster: ClusterRef,
    namespace: string,
    release: string,
    signal?: AbortSignal,
  ): Promise<HelmRelease | undefined>;
  getValues(
    cluster: ClusterRef,
    namespace: string,
    release: string,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>>;
  upgrade(cluster: ClusterRef, request: UpgradeRequest, options?: HelmCallOptions): Promise<void>;
  history(
    cluster: ClusterRef,
    namespace: string,
    release: string,
    signal?: AbortSignal,
  ): Promise<HelmRevision[]>;
  /** rollback returns the release to revision and waits for its pods. */
  rollback(
    cluster: ClusterRef,
    namespace: string,
    release: string,
    revision: number,
    options?: HelmCallOptions & { timeout?: string },
  ): Promise<void>;
}

/** HelmCli is the whole helm CLI kit drives: what plans need, and uninstall for kit down. */
export interface HelmCli extends HelmClient {
  /** uninstall removes a release if it exists, and waits for its resources to go. */
  uninstall(cluster: ClusterRef, namespace: string, release: string, signal?: AbortSignal): Promise<void>;
}

/** createHelmCli returns the helm CLI, run through execer. */
export function createHelmCli(execer: Execer = realExecer): HelmCli {
  return {
    async getRelease(cluster, namespace, release, signal) {
      const { stdout } = await execer.run(
        "helm",
        ["list", "-n", namespace, "-o", "json", "--filter", `^${release}$`, "-a", ...kubeArgs(cluster)],
        { signal, timeoutMs: 60_000 },
      );
      return (JSON.parse(stdout || "[]") as HelmRelease[])[0];
    },

    async getValues(cluster, namespace, release, signal) {
      const { stdout } = await execer.run(
        "helm",
        ["get", "values", release, "-n", namespace, "-o", "json", ...kubeArgs(cluster)],
        { signal, timeoutMs: 60_000 },
      );
      return (JSON.parse(stdout || "{}") ?? {}) as Record<string, unknown>;
    },

    async upgrade(cluster, req, options = {}) {
      const computed = Object.keys(req.set).length > 0 ? await writeComputedValues(req.set) : undefined;
      try {
        await execer.run("helm", upgradeArgs(cluster, req, computed?.file), {
          signal: options.signal,
          onLine: options.onLine,
          timeoutMs: 15 * 60_000,
          hint: `See why the pods did not become ready: kubectl --kubeconfig ${cluster.kubeconfigPath} -n ${req.namespace} get pods,events`,
        });
      } finally {
        await computed?.remove();
      }
    },

    async history(cluster, namespace, release, signal) {
      const result = await execer.run(
        "helm",
        ["history", release, "-n", namespace, "-o", "json", "--max", "256", ...kubeArgs(cluster)],
        { signal, timeoutMs: 60_000, allowFailure: true },
      );
      if (result.exitCode !== 0) {
        if (/release: not found/.test(result.stderr)) return [];
        throw new Error(`helm history ${release} failed: ${result.stderr.trim()}`);
      }
      const rows = JSON.parse(result.stdout || "[]") as HelmRevision[];
      return rows.map((r) => ({
        revision: r.revision,
        status: r.status,
        chart: r.chart,
        description: r.description,
      }));
    },

    async rollback(cluster, namespace, release, revision, options = {}) {
      await execer.run(
        "helm",
        [
          "rollback",
          release,
          String(revision),
          "-n",
          namespace,
          "--wait",
          "--timeout",
          options.timeout ?? "10m",
          ...kubeArgs(cluster),
        ],
        {
          signal: options.signal,
          onLine: options.onLine,
          timeoutMs: 15 * 60_000,
          hint: `See the release's pods: kubectl --kubeconfig ${cluster.kubeconfigPath} --context ${cluster.context} -n ${namespace} get pods,events`,
        },
      );
    },

    async uninstall(cluster, namespace, release, signal) {
      await execer.run(
        "helm",
        ["uninstall", release, "-n", namespace, "--ignore-not-found", "--wait", ...kubeArgs(cluster)],
        { signal, timeoutMs: 5 * 60_000 },
      );
    },
  };
}

/** helmCli is the HelmCli that runs the real helm. */
export const helmCli: HelmCli = createHelmCli();
