import { join } from "node:path";
import { KitError } from "../../errors.ts";
import { run } from "../../exec/index.ts";
import { inputsHash } from "../../hash.ts";
import { loadVersions } from "../../tools/catalog.ts";
import { imageExists } from "../../tools/docker.ts";
import { ensureBaseImage } from "../base.ts";
import type { ImageSource } from "../source.ts";
import { assembleNodeImage, ensureNodeBaseImage, nodeImageInputsOf, qualify } from "./assemble.ts";
import { COMPONENT_VERSIONS } from "./components.ts";
import { bin, buildGoComponents, type GoBinaries, timed } from "./go-components.ts";
import { type KindSources, loadKindSources } from "./kind-sources.ts";
import {
  FINGERPRINTED,
  fileNodeImageMemo,
  fingerprintOf,
  type NodeImageMemo,
  nodeImageMemoFile,
} from "./memo.ts";
import { ensurePartImage, PART_DOCKERFILES_DIR, type PartImageResult, type PartImageSpec } from "./parts.ts";
import { type BuildProgress, buildStep, type StepTiming } from "./steps.ts";

export { buildGoComponents, nodeImageInputsOf, qualify };

export type { BuildProgress, StepTiming } from "./steps.ts";

/**
 * UPSTREAM_NODE_IMAGES are the kindest/node images kind v0.30.0 pins (its release notes and
 * pkg/apis/config/defaults/image.go), by Kubernetes minor; kind v0.30.0 publishes v1.34.0 for 1.34.
 */
export const UPSTREAM_NODE_IMAGES: Record<string, string> = {
  "1.34": "kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a",
};

/** NodeImageOptions select the source and versions of the node image. */
export interface NodeImageOptions extends BuildProgress {
  source: ImageSource;
  /** Default: kit/versions.json `kubernetes`. */
  kubernetesVersion?: string;
  /** Default: kit/versions.json `kind`. */
  kindVersion?: string;
  /** Which image kit's sources named last time (default: the file under kit's cache). */
  memo?: NodeImageMemo;
}

/** NodeImageResult names the image kind should run and what had to be built to get it. */
export interface NodeImageResult {
  ref: string;
  source: ImageSource;
  /** true when any stage was built in this call (false on a warm cache). */
  built: boolean;
  /** Each stage with its time; Go builds and images built now have built=true. */
  timings: StepTiming[];
  /** true when the memo named it (nothing of the build was looked at; timings is empty). */
  memoized?: boolean;
}

/** upstreamNodeImage returns the pinned kindest/node image for a Kubernetes version. */
export function upstreamNodeImage(kubernetesVersion: string): string {
  const minor = kubernetesVersion.replace(/^v/, "").split(".").slice(0, 2).join(".");
  const ref = UPSTREAM_NODE_IMAGES[minor];
  if (!ref) {
    throw new KitError(
      "user",
      `kind v0.30.0 publishes no kindest/node image for Kubernetes ${kubernetesVersion}.`,
      {
        hint: `Use cluster.kubernetesVersion ${Object.keys(UPSTREAM_NODE_IMAGES)
          .map((m) => `v${m}.x`)
          .join(", ")} or images.source: build.`,
      },
    );
  }
  return ref;
}

/** ensureNodeImage returns the node image for the chosen source, building it in build mode. */
export async function ensureNodeImage(options: NodeImageOptions): Promise<NodeImageResult> {
  const versions = loadVersions();
  const k8s = options.kubernetesVersion ?? versions.kubernetes;
  if (options.source === "upstream") {
    return { ref: upstreamNodeImage(k8s), source: "upstream", built: false, timings: [] };
  }
  const kindVersion = options.kindVersion ?? versions.kind;
  const memo = options.memo ?? fileNodeImageMemo(nodeImageMemoFile(options.env));
  const fingerprint = fingerprintOf(FINGERPRINTED, { k8s, kindVersion, arch: process.arch });
  const known = memo.get(fingerprint);
  if (known && (await imageExists(known, options.signal))) {
    return { ref: known, source: "build", built: false, timings: [], memoized: true };
  }
  const result = await buildNodeImage(k8s, kindVersion, options);
  await memo.set(fingerprint, result.ref).catch(() => undefined);
  return result;
}

/** partImageSpecs lists the images preloaded into the node, with the names they must carry. */
export function partImageSpecs(
  kubernetesVersion: string,
  baseImage: string,
  bins: GoBinaries,
  kind: KindSources,
): PartImageSpec[] {
  const wrapper = join(PART_DOCKERFILES_DIR, "iptables-wrapper");
  const k8s = (name: string, extra: Record<string, string> = {}): PartImageSpec => ({
    name,
    files: { [name]: bin(bins.kubernetes, name), ...extra },
    baseImage,
    names: [`registry.k8s.io/${name}:${kubernetesVersion}`],
  });
  const pauseNames = [...new Set([`registry.k8s.io/pause:${COMPONENT_VERSIONS.pause}`, kind.sandboxImage])];
  return [
    k8s("kube-apiserver"),
    k8s("kube-controller-manager"),
    k8s("kube-scheduler"),
    k8s("kube-proxy", { "iptables-wrapper": wrapper }),
    {
      name: "etcd",
      files: { etcd: bin(bins.etcd, "etcd") },
      baseImage,
      names: [`registry.k8s.io/etcd:${COMPONENT_VERSIONS.etcdImageTag}`],
    },
    {
      name: "coredns",
      files: { coredns: bin(bins.coredns, "coredns") },
      baseImage,
      names: [`registry.k8s.io/coredns/coredns:${COMPONENT_VERSIONS.coredns}`],
    },
    { name: "pause", files: { pause: bins.pause }, names: pauseNames },
    {
      name: "kindnetd",
      files: { kindnetd: bins.kindnetd, "iptables-wrapper": wrapper },
      baseImage,
      names: [kind.images.kindnetd],
    },
    {
      name: "local-path-provisioner",
      files: { "local-path-provisioner": bin(bins.localPath, "local-path-provisioner") },
      baseImage,
      names: [kind.images.localPathProvisioner],
    },
    { name: "local-path-helper", files: {}, baseImage, names: [kind.images.localPathHelper] },
  ];
}

/** checkKubeadmImages fails when kubeadm asks for an image the parts do not provide. */
async function checkKubeadmImages(
  kubeadm: string,
  version: string,
  parts: PartImageSpec[],
  progress: BuildProgress,
) {
  const { stdout } = await run(kubeadm, ["config", "images", "list", "--kubernetes-version", version], {
    signal: progress.signal,
    timeoutMs: 60_000,
  });
  const provided = new Set(parts.flatMap((p) => p.names.map(qualify)));
  const missing = stdout
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .filter((image) => !provided.has(qualify(image)));
  if (missing.length > 0) {
    throw new KitError("bug", `kubeadm ${version} expects images kit does not build: ${missing.join(", ")}`, {
      hint: "Update nodeComponents in kit/versions.json to what `kubeadm config images list` prints.",
    });
  }
}

async function buildNodeImage(
  k8s: string,
  kindVersion: string,
  options: NodeImageOptions,
): Promise<NodeImageResult> {
  const progress: BuildProgress = { signal: options.signal, onLine: options.onLine, env: options.env };
  const timings: StepTiming[] = [];
  const base = await timed(timings, "debian base image", async () => {
    const r = await buildStep(
      "debian base image",
      "Check that debootstrap and Debian's mirror work (`kit doctor`).",
      () => ensureBaseImage(undefined, progress),
    );
    return { ...r, built: r.action !== "present" };
  });
  const bins = await buildGoComponents(k8s, progress, timings);
  const kind = await buildStep(
    "kind sources",
    "Check the Go module proxy (kit reads kind's node files from its module).",
    () => loadKindSources(kindVersion, progress.signal),
  );
  const specs = partImageSpecs(k8s, base.ref, bins, kind);
  await buildStep("check kubeadm images", "", () =>
    checkKubeadmImages(bin(bins.kubernetes, "kubeadm"), k8s, specs, progress),
  );

  const parts: PartImageResult[] = [];
  for (const spec of specs) {
    const part = await ensurePartImage(spec, progress);
    timings.push({ step: `image ${spec.name}`, seconds: part.seconds, built: part.built });
    parts.push(part);
  }

  const nodeBase = await timed(timings, "node base image", () =>
    ensureNodeBaseImage(k8s, base.ref, bins, kind, progress),
  );
  const inputs = {
    kubernetes: k8s,
    kind: kindVersion,
    nodeBase: nodeBase.ref,
    parts: parts.map((p) => ({ ref: p.ref, names: p.names })),
    layout: 1,
  };
  const ref = `kit.local/kind-node:${k8s}-${inputsHash(inputs, 12)}`;
  const assembled = await timed(timings, "node image assembly", async () => {
    if (await imageExists(ref, progress.signal)) return { built: false };
    await buildStep(
      "node image assembly",
      "Rerun; the half-assembled container was removed and no image was tagged.",
      () => assembleNodeImage(ref, nodeBase.ref, parts, inputs, progress),
      progress,
    );
    return { built: true };
  });
  const built = timings.some((t) => t.built) || assembled.built;
  return { ref, source: "build", built, timings };
}
