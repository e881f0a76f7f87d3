/**
 * registry runs kit's local image registry and wires it into kind clusters the way kind documents
 * (https://kind.sigs.k8s.io/docs/user/local-registry/): a registry container (`kit-registry`)
 * published on 127.0.0.1:<hostPort>, connected to the `kind` Docker network; on every node a
 * containerd hosts.toml (under the `config_path` the kind config sets) that sends
 * `localhost:<hostPort>` to `http://kit-registry:5000`; and the `local-registry-hosting` ConfigMap
 * in kube-public (KEP-1755) so tools can discover it. Images are pushed once from the host and
 * pulled by every node; `kind load` is only the fallback (loadImageIntoKind).
 *
 * The registry image is `registry:3` upstream, or CNCF distribution's cmd/registry built from the
 * Go module proxy on kit's Debian base (kind/node-image/images/registry.Dockerfile).
 */

import { join } from "node:path";
import { ExternalToolError, UserError } from "../../errors.ts";
import { run } from "../../exec/index.ts";
import { ensureBaseImage } from "../../images/base.ts";
import { registrySpec } from "../../images/node/components.ts";
import { ensurePartImage, PART_DOCKERFILES_DIR } from "../../images/node/parts.ts";
import type { ImageSource } from "../../images/source.ts";
import { ensureGoTool } from "../../tools/catalog.ts";
import { docker, KIT_LABEL } from "../../tools/docker.ts";
import { buildGoProgram } from "../../tools/go-build.ts";
import { loadVersions } from "../../versions.ts";
import { done, notYet, waitUntil } from "../../wait.ts";
import { applyConfigMap } from "../cluster/kube.ts";
import type { ClusterRef } from "../cluster/types.ts";

/** UPSTREAM_REGISTRY_IMAGE is the image kind's local-registry guide runs. */
export const UPSTREAM_REGISTRY_IMAGE: string = loadVersions().registry.upstreamImage;

/** RegistryOptions configure the local registry. */
export interface RegistryOptions {
  source: ImageSource;
  /** Container name; also its DNS name on the kind network. Default "kit-registry". */
  name?: string;
  /** Host port on 127.0.0.1 (kit.config.yaml registry.hostPort). Default 5001. */
  hostPort?: number;
  /** Docker network the kind nodes are on. Default "kind". */
  network?: string;
  /** Labels added to kit's on the container (e.g. the environment it belongs to). */
  labels?: Record<string, string>;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Registry says where the registry answers, from the host and from the cluster. */
export interface Registry {
  name: string;
  image: string;
  hostPort: number;
  network: string;
  /** Push here from the host: `localhost:5001`. */
  hostEndpoint: string;
  /** Image references in pod specs use the same name; nodes resolve it through hosts.toml. */
  clusterEndpoint: string;
  /** Where the nodes' containerd actually fetches from: `http://kit-registry:5000`. */
  networkEndpoint: string;
  /** true when this call created the container. */
  created: boolean;
}

/** ensureRegistryImage returns the registry image for the source, building it in build mode. */
export async function ensureRegistryImage(
  options: Pick<RegistryOptions, "source" | "signal" | "onLine" | "env">,
) {
  if (options.source === "upstream") return { ref: UPSTREAM_REGISTRY_IMAGE, built: false };
  const progress = { signal: options.signal, onLine: options.onLine, env: options.env };
  const base = await ensureBaseImage(undefined, progress);
  const build = await buildGoProgram(registrySpec(), progress);
  const part = await ensurePartImage(
    {
      name: "registry",
      baseImage: base.ref,
      files: {
        registry: build.binaries.registry ?? "",
        "registry-config.yml": join(PART_DOCKERFILES_DIR, "registry-config.yml"),
      },
      names: [],
    },
    progress,
  );
  return { ref: part.ref, built: part.built || build.built };
}

async function inspect(name: string, format: string, signal?: AbortSignal): Promise<string | undefined> {
  const r = await run("docker", ["inspect", "--format", format, name], {
    signal,
    allowFailure: true,
    timeoutMs: 30_000,
  });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

async function waitForRegistry(hostPort: number, name: string, signal?: AbortSignal): Promise<void> {
  const url = `http://127.0.0.1:${hostPort}/v2/`;
  await waitUntil({
    what: `the local registry to answer at ${url}`,
    timeoutMs: 60_000,
    intervalMs: 300,
    signal,
    hint: `See \`docker logs ${name}\`; another program may hold the port (set registry.hostPort in kit.config.yaml).`,
    async check() {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      return res.status === 200 ? done(undefined) : notYet(`HTTP ${res.status}`);
    },
  });
}

/** ensureRegistry starts (or reuses) the registry container and waits until it answers. */
export async function ensureRegistry(options: RegistryOptions): Promise<Registry> {
  const name = options.name ?? "kit-registry";
  const hostPort = options.hostPort ?? 5001;
  const network = options.network ?? "kind";
  const image = (await ensureRegistryImage(options)).ref;
  let created = false;
  const state = await inspect(name, "{{.State.Status}}", options.signal);
  if (state === undefined) {
    await startRegistryContainer(name, hostPort, image, options.labels ?? {}, options.signal);
    created = true;
  } else if (state === "paused") {
    // kit stop pauses the environment's containers.
    await docker(["unpause", name], { signal: options.signal });
  } else if (state !== "running") {
    await docker(["start", name], { signal: options.signal });
  }
  await waitForRegistry(hostPort, name, options.signal);
  return {
    name,
    image,
    hostPort,
    network,
    hostEndpoint: `localhost:${hostPort}`,
    clusterEndpoint: `localhost:${hostPort}`,
    networkEndpoint: `http://${name}:5000`,
    created,
  };
}

async function startRegistryContainer(
  name: string,
  hostPort: number,
  image: string,
  labels: Record<string, string>,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await docker(
      [
        "run",
        "-d",
        "--restart=always",
        "--name",
        name,
        "--label",
        `${KIT_LABEL}=true`,
        "--label",
        `${KIT_LABEL}.role=registry`,
        ...Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
        "-p",
        `127.0.0.1:${hostPort}:5000`,
        image,
      ],
      { signal },
    );
  } catch (err) {
    // `docker run` may have created the container before failing to start it; leave nothing behind.
    await run("docker", ["rm", "-f", "-v", name], { allowFailure: true, timeoutMs: 60_000 });
    const tail = err instanceof ExternalToolError ? err.outputTail.join("\n") : "";
    if (/port is already allocated|address already in use/.test(tail)) {
      throw new UserError(`the local registry cannot listen on 127.0.0.1:${hostPort}: the port is in use`, {
        hint: "Set registry.hostPort in kit.config.yaml to a free port, or stop what holds it (`ss -ltnp`).",
        cause: err,
      });
    }
    throw err;
  }
}

/** registryHostsToml is the containerd hosts.toml that sends localhost:<port> to the registry container. */
export function registryHostsToml(registry: Registry): string {
  return `[host."${registry.networkEndpoint}"]\n`;
}

/** localRegistryHostingData is the KEP-1755 ConfigMap data for the registry. */
export function localRegistryHostingData(registry: Registry): Record<string, string> {
  return {
    "localRegistryHosting.v1": [
      `host: "${registry.hostEndpoint}"`,
      `hostFromContainerRuntime: "${registry.name}:5000"`,
      `hostFromClusterNetwork: "${registry.name}:5000"`,
      `help: "https://kind.sigs.k8s.io/docs/user/local-registry/"`,
      "",
    ].join("\n"),
  };
}

/**
 * connectRegistry wires the registry into a kind cluster: joins it to the nodes' network, writes
 * hosts.toml on each node container, and applies the local-registry-hosting ConfigMap.
 */
export async function connectRegistry(
  registry: Registry,
  nodeContainers: string[],
  cluster: ClusterRef,
  signal?: AbortSignal,
): Promise<void> {
  const networks =
    (await inspect(registry.name, "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", signal)) ??
    "";
  if (!networks.split(" ").includes(registry.network)) {
    await docker(["network", "connect", registry.network, registry.name], { signal });
  }
  const dir = `/etc/containerd/certs.d/${registry.hostEndpoint}`;
  const hostsToml = registryHostsToml(registry);
  const configureNode = async (node: string): Promise<void> => {
    // A node that already has this configuration (a reused cluster) is left as it is.
    const current = await docker(["exec", node, "cat", `${dir}/hosts.toml`], { signal }).catch(() => "");
    if (current === hostsToml) return;
    await docker(["exec", node, "mkdir", "-p", dir], { signal });
    await docker(["exec", "-i", node, "cp", "/dev/stdin", `${dir}/hosts.toml`], { signal, input: hostsToml });
  };
  await Promise.all([
    ...nodeContainers.map(configureNode),
    applyConfigMap(cluster, "kube-public", "local-registry-hosting", localRegistryHostingData(registry)),
  ]);
}

/** PushedImage is an image in the local registry: what to put in pod specs. */
export interface PushedImage {
  /** e.g. localhost:5001/go-app:dev-1a2b3c */
  ref: string;
  digest?: string;
}

/** pushImage tags a local image into the registry (`<hostEndpoint>/<repository>:<tag>`) and pushes it. */
export async function pushImage(
  registry: Registry,
  localRef: string,
  repository: string,
  tag: string,
  options: { signal?: AbortSignal; onLine?: (line: string) => void } = {},
): Promise<PushedImage> {
  return pushImageAs(localRef, `${registry.hostEndpoint}/${repository}:${tag}`, options);
}

/** pushImageAs tags a local image as ref (`<registry>/<repository>:<tag>`) and pushes it. */
export async function pushImageAs(
  localRef: string,
  ref: string,
  options: { signal?: AbortSignal; onLine?: (line: string) => void } = {},
): Promise<PushedImage> {
  await docker(["tag", localRef, ref], { signal: options.signal });
  const out = await docker(["push", ref], {
    signal: options.signal,
    onLine: options.onLine,
    timeoutMs: 20 * 60_000,
  });
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(out)?.[1];
  return { ref, digest };
}

/** loadImageIntoKind is the fallback when no registry can be used: `kind load docker-image`. */
export async function loadImageIntoKind(
  clusterName: string,
  ref: string,
  signal?: AbortSignal,
): Promise<void> {
  const kind = await ensureGoTool("kind", { signal });
  await run(kind, ["load", "docker-image", "--name", clusterName, ref], { signal, timeoutMs: 20 * 60_000 });
}

/** deleteRegistry removes the registry container (and its anonymous storage volume). */
export async function deleteRegistry(name = "kit-registry", signal?: AbortSignal): Promise<void> {
  await run("docker", ["rm", "-f", "-v", name], { signal, allowFailure: true, timeoutMs: 60_000 });
}
