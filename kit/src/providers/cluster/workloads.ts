/**
 * workloads reads what runs on a cluster through the Kubernetes API: whether a context answers,
 * and which image digests the pods of a release really run (containerStatuses[].imageID), which
 * is how a promotion proves the target runs the bytes that passed the gate.
 */
import { KitError } from "../../errors.ts";
import { loadKubeConfig } from "./kube.ts";
import type { ClusterRef } from "./types.ts";

/** checkContext fails (with what to do) when ref's context is missing or its API server does not answer. */
export async function checkContext(ref: ClusterRef, signal: AbortSignal): Promise<void> {
  const { VersionApi } = await import("@kubernetes/client-node");
  const api = (await loadKubeConfig(ref)).makeApiClient(VersionApi);
  signal.throwIfAborted();
  try {
    await api.getCode();
  } catch (err) {
    throw new KitError(
      "external",
      `the API server of context ${ref.context} does not answer: ${(err as Error).message}`,
      {
        hint: `Check it with \`kubectl --kubeconfig ${ref.kubeconfigPath} --context ${ref.context} version\` (credentials, VPN, endpoint access).`,
        cause: err,
      },
    );
  }
}

/** runningImageIds returns the imageID of every running container of the selector's pods. */
export async function runningImageIds(
  ref: ClusterRef,
  namespace: string,
  labelSelector: string,
  signal: AbortSignal,
): Promise<string[]> {
  const { CoreV1Api } = await import("@kubernetes/client-node");
  const api = (await loadKubeConfig(ref)).makeApiClient(CoreV1Api);
  signal.throwIfAborted();
  const pods = await api.listNamespacedPod({ namespace, labelSelector });
  return pods.items
    .filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase === "Running")
    .flatMap((p) => (p.status?.containerStatuses ?? []).map((c) => c.imageID ?? ""));
}
