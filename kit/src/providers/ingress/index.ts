/**
 * ingress installs kit's ingress controller into a cluster, so an environment's entry point can be
 * an Ingress (as the ALB is on EKS) rather than a NodePort: Traefik's Kubernetes Ingress provider
 * (image from traefik.ts), its RBAC, an IngressClass, and one controller pod listening on a port of
 * its node. A kind cluster publishes that node port on the host when it is created with
 * ingressPortMapping(); ensureIngressController then finds the host URL from the node container.
 *
 * Traefik carries keep-alive HTTP, SSE streams and WebSockets through without settings of its own
 * (it flushes event streams and proxies Upgrade requests); its 60 s readTimeout bounds reading a
 * request, not a response, so streams and sockets held for minutes stay open (the stand-in's
 * integration test holds both past a minute).
 */

import { UserError } from "../../errors.ts";
import { run } from "../../exec/index.ts";
import type { ImageSource } from "../../images/source.ts";
import { docker } from "../../tools/docker.ts";
import { done, notYet, waitUntil } from "../../wait.ts";
import type { PortMapping } from "../cluster/kind.ts";
import { applyObjects, loadKubeConfig } from "../cluster/kube.ts";
import type { ClusterRef } from "../cluster/types.ts";
import { loadImageIntoKind } from "../registry/index.ts";
import { controllerManifests, DEFAULT_NODE_PORT, TRAEFIK_CONTROLLER } from "./manifests.ts";
import { ensureTraefikImage } from "./traefik.ts";

export { DEFAULT_NODE_PORT, TRAEFIK_CONTROLLER } from "./manifests.ts";

/** DEFAULT_INGRESS_CLASS is the IngressClass name when the caller names none. */
export const DEFAULT_INGRESS_CLASS = "traefik";

/** DEFAULT_INGRESS_NAMESPACE is where the controller runs. */
export const DEFAULT_INGRESS_NAMESPACE = "kit-ingress";

/** IngressControllerOptions say where to install the controller and how it is reached. */
export interface IngressControllerOptions {
  cluster: ClusterRef;
  /** images.source, resolved: `build` makes Traefik from the Go module proxy, `upstream` pulls it. */
  imageSource: ImageSource;
  /**
   * The kind node containers of the cluster. Needed in build mode (the local image is loaded into
   * them); when given, the host port a node publishes for nodePort becomes `hostUrl`.
   */
  nodeContainers?: string[];
  /** IngressClass name; Ingresses with this `ingressClassName` are served. Default "traefik". */
  className?: string;
  /** Default "kit-ingress". */
  namespace?: string;
  /** Port the controller listens on on its node (hostPort). Default 80. */
  nodePort?: number;
  /** Written into served Ingresses' status.loadBalancer (e.g. "localhost"). Default none. */
  publishedHostname?: string;
  /** Nodes the controller may run on. Default `ingress-ready: "true"` (kit's kind config sets it). */
  nodeSelector?: Record<string, string>;
  /** How long to wait for the controller to be ready. Default 3 minutes. */
  readyTimeoutMs?: number;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** IngressController is the installed controller: which class it serves and how to reach it. */
export interface IngressController {
  /** Set `spec.ingressClassName` (charts: ingress.className) to this. */
  className: string;
  /** The IngressClass's spec.controller. */
  controller: typeof TRAEFIK_CONTROLLER;
  namespace: string;
  image: string;
  /** The port the controller listens on on its node. */
  nodePort: number;
  /** `http://127.0.0.1:<port>` when a node container publishes nodePort on the host. */
  hostUrl?: string;
  /** The entry point from inside the cluster (the controller's ClusterIP Service). */
  clusterUrl: string;
}

/** ingressPortMapping is the kind extraPortMapping that publishes the controller on hostPort. */
export function ingressPortMapping(hostPort: number, nodePort: number = DEFAULT_NODE_PORT): PortMapping {
  return { containerPort: nodePort, hostPort, listenAddress: "127.0.0.1", protocol: "TCP" };
}

/**
 * ensureIngressController installs (or updates) the controller and waits until it serves. It is
 * idempotent: a second call with the same options changes nothing and returns the same answer.
 */
export async function ensureIngressController(options: IngressControllerOptions): Promise<IngressController> {
  const className = options.className ?? DEFAULT_INGRESS_CLASS;
  const namespace = options.namespace ?? DEFAULT_INGRESS_NAMESPACE;
  const nodePort = options.nodePort ?? DEFAULT_NODE_PORT;
  const progress = { signal: options.signal, onLine: options.onLine, env: options.env };
  const image = await ensureTraefikImage({ source: options.imageSource, ...progress });
  if (image.isLocal) {
    if (!options.nodeContainers?.length) {
      throw new UserError(
        `the ingress controller image ${image.ref} was built locally and no registry serves it`,
        {
          hint: "Pass the cluster's kind node containers (nodeContainers) so kit loads the image into them, or use images.source: upstream.",
        },
      );
    }
    await loadIntoNodes(image.ref, options.nodeContainers, options.signal, options.onLine);
  }
  const objects = controllerManifests({
    namespace,
    className,
    image: image.ref,
    nodePort,
    publishedHostname: options.publishedHostname,
    nodeSelector: options.nodeSelector ?? { "ingress-ready": "true" },
  });
  options.onLine?.(
    `applying the ingress controller (IngressClass ${className}) to ${options.cluster.context}`,
  );
  await applyObjects(options.cluster, objects);
  await waitForController(options.cluster, namespace, options.readyTimeoutMs ?? 3 * 60_000, options.signal);
  const hostUrl = options.nodeContainers?.length
    ? await publishedUrl(options.nodeContainers, nodePort, options.signal)
    : undefined;
  if (hostUrl) await waitForAnswer(hostUrl, options.readyTimeoutMs ?? 60_000, options.signal);
  return {
    className,
    controller: TRAEFIK_CONTROLLER,
    namespace,
    image: image.ref,
    nodePort,
    hostUrl,
    clusterUrl: `http://traefik.${namespace}.svc.cluster.local`,
  };
}

/** loadIntoNodes loads a local image into the kind cluster the node containers belong to. */
async function loadIntoNodes(
  ref: string,
  nodeContainers: string[],
  signal?: AbortSignal,
  onLine?: (line: string) => void,
): Promise<void> {
  const first = nodeContainers[0] ?? "";
  const cluster = (
    await docker(["inspect", "--format", '{{index .Config.Labels "io.x-k8s.kind.cluster"}}', first], {
      signal,
    })
  ).trim();
  if (!cluster || cluster === "<no value>") {
    throw new UserError(`container ${first} is not a kind node; kit cannot load ${ref} into it`, {
      hint: "Pass the kind node containers of the cluster (KindCluster.nodeContainers()), or use images.source: upstream.",
    });
  }
  onLine?.(`loading ${ref} into kind cluster ${cluster}`);
  // kind skips the nodes that already hold the image, so a second call costs one check per node.
  await loadImageIntoKind(cluster, ref, signal);
}

/** publishedUrl returns the host address a node container publishes nodePort on, if any does. */
async function publishedUrl(
  nodeContainers: string[],
  nodePort: number,
  signal?: AbortSignal,
): Promise<string | undefined> {
  for (const node of nodeContainers) {
    const result = await run("docker", ["port", node, `${nodePort}/tcp`], {
      signal,
      allowFailure: true,
      timeoutMs: 30_000,
    });
    // `docker port` prints one `address:port` line per published address, e.g. 127.0.0.1:38080.
    const match = result.exitCode === 0 ? /^(.*):(\d+)$/m.exec(result.stdout.trim()) : null;
    if (!match) continue;
    const host = match[1] === "0.0.0.0" || match[1] === "[::]" ? "127.0.0.1" : match[1];
    return `http://${host}:${match[2]}`;
  }
  return undefined;
}

/** waitForController waits until the controller Deployment's pods are updated and ready. */
async function waitForController(
  ref: ClusterRef,
  namespace: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const { AppsV1Api, CoreV1Api } = await import("@kubernetes/client-node");
  const kc = await loadKubeConfig(ref);
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  await waitUntil({
    what: `the ingress controller in ${namespace} to be ready`,
    timeoutMs,
    intervalMs: 1_000,
    signal,
    hint: `Look at it with \`kubectl --kubeconfig ${ref.kubeconfigPath} --context ${ref.context} -n ${namespace} describe pods\` and its logs.`,
    async check() {
      const d = await apps.readNamespacedDeployment({ name: "traefik", namespace });
      const want = d.spec?.replicas ?? 1;
      const s = d.status ?? {};
      const observed = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
      if (observed && s.updatedReplicas === want && s.readyReplicas === want && (s.replicas ?? 0) === want)
        return done(undefined);
      const pods = await core.listNamespacedPod({
        namespace,
        labelSelector: "app.kubernetes.io/name=traefik",
      });
      return notYet(
        pods.items
          .map((p) => {
            const waiting = p.status?.containerStatuses?.[0]?.state?.waiting;
            const unscheduled = p.status?.conditions?.find(
              (c) => c.type === "PodScheduled" && c.status === "False",
            );
            const why = waiting?.reason ?? unscheduled?.message ?? p.status?.phase ?? "unknown";
            return `${p.metadata?.name}: ${why}`;
          })
          .join("; ") || "no pods",
      );
    },
  });
}

/** waitForAnswer waits until the entry point answers HTTP at all (404 means: no Ingress matched yet). */
async function waitForAnswer(url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  await waitUntil({
    what: `the ingress controller to answer at ${url}`,
    timeoutMs,
    intervalMs: 500,
    signal,
    hint: "Check that the kind cluster was created with ingressPortMapping() for this host port (`docker port <node>`).",
    async check() {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        await res.body?.cancel();
        return done(undefined);
      } catch (err) {
        return notYet((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
      }
    },
  });
}
