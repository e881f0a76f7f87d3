/**
 * kube holds the Kubernetes API calls the cluster providers share, through
 * @kubernetes/client-node with an explicit kubeconfig file and context (never the user's current
 * context by accident). The client is imported on first use: it takes about a second to load.
 */
import type * as k8s from "@kubernetes/client-node";
import { KitError } from "../../errors.ts";
import { done, notYet, waitUntil } from "../../wait.ts";
import { readerFor } from "./kube-read.ts";
import type { ClusterRef, NodeState } from "./types.ts";

/** loadKubeConfig loads ref's kubeconfig file and selects its context, failing with the fix. */
export async function loadKubeConfig(ref: ClusterRef): Promise<k8s.KubeConfig> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(ref.kubeconfigPath);
  } catch (err) {
    throw new KitError("user", `cannot read the kubeconfig ${ref.kubeconfigPath}`, {
      hint: "Run `kit up` to create the cluster, or point cluster.kubeconfig at a readable file.",
      cause: err,
    });
  }
  if (!kc.getContextObject(ref.context)) {
    throw new KitError("user", `the kubeconfig ${ref.kubeconfigPath} has no context ${ref.context}`, {
      hint: `Contexts in it: ${
        kc
          .getContexts()
          .map((c) => c.name)
          .join(", ") || "none"
      }.`,
    });
  }
  kc.setCurrentContext(ref.context);
  return kc;
}

/** listNodes returns every node with its Ready condition. */
export async function listNodes(ref: ClusterRef): Promise<NodeState[]> {
  const reader = readerFor(ref);
  let list: { items: k8s.V1Node[] };
  if (reader) list = await reader.get<{ items: k8s.V1Node[] }>("/api/v1/nodes");
  else {
    const { CoreV1Api } = await import("@kubernetes/client-node");
    list = await (await loadKubeConfig(ref)).makeApiClient(CoreV1Api).listNode();
  }
  return list.items.map((n) => ({
    name: n.metadata?.name ?? "",
    ready: (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
  }));
}

/** waitForReadyNodes polls until at least `expected` nodes exist and all are Ready. */
export async function waitForReadyNodes(
  ref: ClusterRef,
  expected: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<NodeState[]> {
  return waitUntil({
    what: `${expected} cluster node(s) to be Ready`,
    timeoutMs,
    intervalMs: 1_000,
    signal,
    hint: `Inspect with \`kubectl --kubeconfig ${ref.kubeconfigPath} --context ${ref.context} describe nodes\` and \`kubectl -n kube-system get pods\`.`,
    async check() {
      const nodes = await listNodes(ref);
      if (nodes.length >= expected && nodes.every((n) => n.ready)) return done(nodes);
      return notYet(
        nodes.map((n) => `${n.name}=${n.ready ? "Ready" : "NotReady"}`).join(", ") || "no nodes listed",
      );
    },
  });
}

/**
 * waitForClusterDns waits until CoreDNS (kube-system/coredns) has a ready replica. kubeadm starts it
 * after the node is Ready; pods that start before it cannot resolve Services or the emulator and
 * database containers by name, and a one-shot lookup fails for good.
 */
export async function waitForClusterDns(
  ref: ClusterRef,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const reader = readerFor(ref);
  const readCoreDns = async (): Promise<k8s.V1Deployment> => {
    if (reader)
      return reader.get<k8s.V1Deployment>("/apis/apps/v1/namespaces/kube-system/deployments/coredns", signal);
    const { AppsV1Api } = await import("@kubernetes/client-node");
    const api = (await loadKubeConfig(ref)).makeApiClient(AppsV1Api);
    return api.readNamespacedDeployment({ name: "coredns", namespace: "kube-system" });
  };
  await waitUntil({
    what: "CoreDNS to have a ready replica",
    timeoutMs,
    intervalMs: 1_000,
    signal,
    hint: `Look at it with \`kubectl --kubeconfig ${ref.kubeconfigPath} --context ${ref.context} -n kube-system describe deployment coredns\` and its pods' events.`,
    async check() {
      try {
        const deployment = await readCoreDns();
        const ready = deployment.status?.readyReplicas ?? 0;
        return ready > 0
          ? done(undefined)
          : notYet(`0 of ${deployment.spec?.replicas ?? "?"} replicas ready`);
      } catch (err) {
        if ((err as { code?: number }).code === 404) return notYet("no coredns Deployment");
        throw new Error(String(err).split("\n")[0] ?? "");
      }
    },
  });
}

/** applyConfigMap creates or replaces a ConfigMap. */
export async function applyConfigMap(
  ref: ClusterRef,
  namespace: string,
  name: string,
  data: Record<string, string>,
): Promise<void> {
  const { CoreV1Api } = await import("@kubernetes/client-node");
  const api = (await loadKubeConfig(ref)).makeApiClient(CoreV1Api);
  const body: k8s.V1ConfigMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data };
  try {
    await api.readNamespacedConfigMap({ name, namespace });
    await api.replaceNamespacedConfigMap({ name, namespace, body });
  } catch (err) {
    if ((err as { code?: number }).code !== 404) throw err;
    await api.createNamespacedConfigMap({ namespace, body });
  }
}

/**
 * waitForNoTerminatingPods waits until no pod matching selector in namespace is terminating (pods
 * an upgrade replaced finish their shutdown after `helm upgrade --wait` returns).
 */
export async function waitForNoTerminatingPods(
  ref: ClusterRef,
  namespace: string,
  labelSelector: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const { CoreV1Api } = await import("@kubernetes/client-node");
  const api = (await loadKubeConfig(ref)).makeApiClient(CoreV1Api);
  await waitUntil({
    what: `pods ${labelSelector} in ${namespace} to finish terminating`,
    timeoutMs,
    intervalMs: 1_000,
    signal,
    hint: `Look at them with \`kubectl -n ${namespace} get pods -l ${labelSelector}\`.`,
    async check() {
      const list = await api.listNamespacedPod({ namespace, labelSelector });
      const terminating = list.items
        .filter((p) => p.metadata?.deletionTimestamp)
        .map((p) => p.metadata?.name);
      return terminating.length === 0 ? done(undefined) : notYet(`terminating: ${terminating.join(", ")}`);
    },
  });
}

/**
 * applyObjects server-side applies each object in order (creating what is missing, changing only
 * what differs), as `kubectl apply --server-side --force-conflicts --field-manager` does.
 */
export async function applyObjects(
  ref: ClusterRef,
  objects: readonly k8s.KubernetesObject[],
  fieldManager = "kit",
): Promise<void> {
  const { KubernetesObjectApi, PatchStrategy } = await import("@kubernetes/client-node");
  const api = KubernetesObjectApi.makeApiClient(await loadKubeConfig(ref));
  for (const object of objects) {
    try {
      await api.patch(object, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
    } catch (err) {
      const name = `${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata?.name}`;
      throw new KitError("external", `applying ${name} to context ${ref.context} failed`, {
        hint: `The API server said: ${String((err as { body?: unknown }).body ?? err).slice(0, 500)}`,
        cause: err,
      });
    }
  }
}
