/**
 * standin brings up a stand-in for an AWS environment (EKS + ECR) from kit's own parts, for tests
 * and benchmarks of `kit promote` on a machine with no AWS account and no image registry:
 *
 *  - a kind cluster of its own (`<name>`, on a Docker network of its own, `<name>-net`), which
 *    callers reach as an `existing` cluster through kubeconfigPath + context; its nodes carry a zone
 *    label as EKS nodes do, so charts that spread pods across zones schedule;
 *  - a registry container (`<name>-registry`) standing in for ECR, published on the host at
 *    registryHostPort and wired into the nodes the way kit wires its local registry (hosts.toml), so
 *    pods pull `localhost:<registryHostPort>/<repo>@sha256:…` from it;
 *  - kit's ingress controller (providers/ingress), published on the host at ingressHostPort, serving
 *    the IngressClass `alb` by default: the charts' EKS values (className alb, ALB annotations)
 *    render unchanged and this controller serves them in place of the AWS Load Balancer Controller.
 *
 * ensureStandin is idempotent (a second call reuses every part); remove() deletes the cluster, the
 * registry container (and its volume), the network and the kubeconfig folder: everything named
 * after the stand-in, and nothing else.
 */
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { readEnvOverrides } from "../../src/config/env-overrides.ts";
import { run } from "../../src/exec/index.ts";
import { ensureNodeImage } from "../../src/images/node/index.ts";
import { type ImageSource, resolveImageSource } from "../../src/images/source.ts";
import { cacheDir } from "../../src/paths.ts";
import { KindCluster } from "../../src/providers/cluster/index.ts";
import { applyObjects, listNodes } from "../../src/providers/cluster/kube.ts";
import { ensureIngressController, ingressPortMapping } from "../../src/providers/ingress/index.ts";
import { ensureTraefikImage } from "../../src/providers/ingress/traefik.ts";
import { connectRegistry, deleteRegistry, ensureRegistry } from "../../src/providers/registry/index.ts";

/**
 * STANDIN_INGRESS_CLASS is the IngressClass the stand-in's controller serves by default: the one the
 * charts' EKS values select, so their Ingress (ALB annotations included) applies unchanged.
 */
export const STANDIN_INGRESS_CLASS = "alb";

/** StandinOptions name the stand-in and its host ports (each must differ from the main environment's). */
export interface StandinOptions {
  /** kind cluster name and prefix of every part's name. Default "standin". */
  name?: string;
  /** Host port of the stand-in's registry. Default 5032. */
  registryHostPort?: number;
  /** Host port of the ingress entry point. Default 38080. */
  ingressHostPort?: number;
  /** IngressClass the controller serves. Default "alb" (what the charts' EKS values select). */
  ingressClassName?: string;
  /** Zone label put on every node (topology.kubernetes.io/zone). Default "standin-1a". */
  zone?: string;
  /** Default: images.source auto, or KIT_IMAGES_SOURCE, resolved. */
  imageSource?: ImageSource;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

/** Standin is a running stand-in environment and how to reach each part of it. */
export interface Standin {
  name: string;
  /** Reach the cluster with these (e.g. `new ExistingCluster({ kubeconfigPath, context })`). */
  kubeconfigPath: string;
  context: string;
  /** Push and reference images as `<registryHostEndpoint>/<repository>`, e.g. localhost:5032/kit/go-app. */
  registryHostEndpoint: string;
  registryName: string;
  /** The Docker network of the nodes and the registry. */
  network: string;
  /** The entry point from the host, e.g. http://127.0.0.1:38080. */
  ingressUrl: string;
  ingressClassName: string;
  /** Seconds each part took in the call that returned this. */
  timings: {
    nodeImage: number;
    /** The cluster, the registry and the controller's image, made side by side. */
    clusterAndRegistry: number;
    wiring: number;
    ingress: number;
    total: number;
  };
  /** remove deletes everything named after the stand-in (cluster, registry, network, kubeconfig). */
  remove(): Promise<void>;
}

/** standinNames are the names of the stand-in's parts. */
export function standinNames(name: string) {
  return {
    cluster: name,
    context: `kind-${name}`,
    registry: `${name}-registry`,
    network: `${name}-net`,
    kubeconfigPath: join(cacheDir(), "kind", name, "kubeconfig"),
  };
}

/** ensureStandin creates (or reuses) the stand-in and returns how to reach it. */
export async function ensureStandin(options: StandinOptions = {}): Promise<Standin> {
  const started = Date.now();
  const name = options.name ?? "standin";
  const names = standinNames(name);
  const registryHostPort = options.registryHostPort ?? 5032;
  const ingressHostPort = options.ingressHostPort ?? 38080;
  const ingressClassName = options.ingressClassName ?? STANDIN_INGRESS_CLASS;
  const source =
    options.imageSource ?? (await resolveImageSource(readEnvOverrides(process.env).imagesSource ?? "auto"));
  const progress = { signal: options.signal, onLine: options.onLine };
  const since = (t: number): number => (Date.now() - t) / 1000;

  let t = Date.now();
  const nodeImage = await ensureNodeImage({ ...progress, source });
  const nodeImageSeconds = since(t);

  t = Date.now();
  const cluster = new KindCluster({
    name: names.cluster,
    nodeImage: nodeImage.ref,
    kubeconfigPath: names.kubeconfigPath,
    network: names.network,
    portMappings: [ingressPortMapping(ingressHostPort)],
  });
  // The registry joins the nodes' network (which kind creates with the cluster) in connectRegistry;
  // the controller's image is made meanwhile, so ensureIngressController finds it present.
  const [ensured, registry] = await Promise.all([
    cluster.ensure(progress),
    ensureRegistry({
      ...progress,
      source,
      name: names.registry,
      hostPort: registryHostPort,
      network: names.network,
    }),
    ensureTraefikImage({ ...progress, source }),
  ]);
  const clusterAndRegistrySeconds = since(t);

  t = Date.now();
  const ref = cluster.ref();
  const nodeContainers = ensured.nodes.map((n) => n.container ?? n.name);
  await connectRegistry(registry, nodeContainers, ref, options.signal);
  await labelZones(ref, options.zone ?? "standin-1a");
  const wiringSeconds = since(t);

  t = Date.now();
  const ingress = await ensureIngressController({
    ...progress,
    cluster: ref,
    imageSource: source,
    nodeContainers,
    className: ingressClassName,
    publishedHostname: "localhost",
  });
  const ingressSeconds = since(t);
  if (!ingress.hostUrl) {
    throw new Error(`stand-in ${name}: no node publishes the ingress port; delete the cluster and retry`);
  }

  return {
    name,
    kubeconfigPath: ref.kubeconfigPath,
    context: ref.context,
    registryHostEndpoint: registry.hostEndpoint,
    registryName: registry.name,
    network: names.network,
    ingressUrl: ingress.hostUrl,
    ingressClassName: ingress.className,
    timings: {
      nodeImage: nodeImageSeconds,
      clusterAndRegistry: clusterAndRegistrySeconds,
      wiring: wiringSeconds,
      ingress: ingressSeconds,
      total: since(started),
    },
    remove: () => removeStandin(name, options.signal),
  };
}

/** labelZones gives every node a zone label, as EKS's nodes have. */
async function labelZones(ref: { kubeconfigPath: string; context: string }, zone: string): Promise<void> {
  const nodes = await listNodes(ref);
  await applyObjects(
    ref,
    nodes.map((n) => ({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: n.name, labels: { "topology.kubernetes.io/zone": zone } },
    })),
    "kit-standin",
  );
}

/** removeStandin deletes the stand-in's cluster, registry, network and kubeconfig folder (no-op for absent parts). */
export async function removeStandin(name: string, signal?: AbortSignal): Promise<void> {
  const names = standinNames(name);
  await new KindCluster({ name: names.cluster, kubeconfigPath: names.kubeconfigPath }).delete(signal);
  await deleteRegistry(names.registry, signal);
  const network = await run("docker", ["network", "rm", names.network], {
    signal,
    allowFailure: true,
    timeoutMs: 60_000,
  });
  if (network.exitCode !== 0 && !/not found/i.test(network.stderr)) {
    throw new Error(`stand-in ${name}: could not remove network ${names.network}: ${network.stderr.trim()}`);
  }
  await rm(dirname(names.kubeconfigPath), { recursive: true, force: true });
}
