/**
 * client is the small interface plans use for Helm, so a plan's graph is unit-tested with a fake
 * (as kind passes its Provider into create.Cluster) and runs for real with helmCli.
 */
import { run } from "../../exec/index.ts";
import type { ClusterRef } from "../../providers/cluster/types.ts";
import { getRelease, getValues, type HelmRelease, type UpgradeRequest, upgrade } from "./index.ts";

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

const kubeArgs = (cluster: ClusterRef): string[] => [
  "--kubeconfig",
  cluster.kubeconfigPath,
  "--kube-context",
  cluster.context,
];

/** helmHistory returns a release's revisions, oldest first (none when it is not installed). */
export async function helmHistory(
  cluster: ClusterRef,
  namespace: string,
  release: string,
  signal?: AbortSignal,
): Promise<HelmRevision[]> {
  const result = await run(
    "helm",
    ["history", release, "-n", namespace, "-o", "json", "--max", "256", ...kubeArgs(cluster)],
    {
      signal,
      timeoutMs: 60_000,
      allowFailure: true,
    },
  );
  if (result.exitCode !== 0) {
    if (/release: not found/.test(result.stderr)) return [];
    throw new Error(`helm history ${release} failed: ${result.stderr.trim()}`);
  }
  const rows = JSON.parse(result.stdout || "[]") as {
    revision: number;
    status: string;
    chart: string;
    description: string;
  }[];
  return rows.map((r) => ({
    revision: r.revision,
    status: r.status,
    chart: r.chart,
    description: r.description,
  }));
}

/** helmRollback runs `helm rollback <release> <revision> --wait`. */
export async function helmRollback(
  cluster: ClusterRef,
  namespace: string,
  release: string,
  revision: number,
  options: HelmCallOptions & { timeout?: string } = {},
): Promise<void> {
  await run(
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
}

/** helmCli is the HelmClient that runs the helm CLI. */
export const helmCli: HelmClient = {
  getRelease,
  getValues,
  upgrade,
  history: helmHistory,
  rollback: helmRollback,
};
