/**
 * node makes the kind node image kit's clusters run on. In `upstream` mode that is the published
 * `kindest/node` image kind v0.30.0 pins. In `build` mode kit assembles it the way
 * `kind build node-image` does, without any network step inside the build:
 *
 *  1. Go builds from the module proxy: Kubernetes (kubeadm, kubelet, kubectl, kube-apiserver,
 *     kube-controller-manager, kube-scheduler, kube-proxy), containerd, CNI plugins, crictl, etcd,
 *     CoreDNS, local-path-provisioner; and pause and kindnetd from kit's own `kind/` sources.
 *  2. Part images (`kind/node-image/images/*.Dockerfile`) for everything kubeadm and kind preload.
 *  3. The node base image (`kind/node-image/Dockerfile`): kit's Debian base + kind's own node files
 *     (from the sigs.k8s.io/kind module) + Debian packages + the binaries.
 *  4. Assembly: a container from the node base starts containerd, imports the part images under
 *     the names kubeadm and kind expect, and is `docker commit`ed as
 *     `kit.local/kind-node:<k8s version>-<inputs hash>`.
 *
 * Every stage is keyed by its inputs, so a warm cache rebuilds nothing; every stage writes its
 * result only on success (Go builds rename into place, image tags are set only by a successful
 * build or commit), so an interrupted build never poisons the cache.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KitError } from "../../errors.ts";
import { run } from "../../exec/index.ts";
import { inputsHash } from "../../hash.ts";
import { cacheDir } from "../../paths.ts";
import { loadVersions } from "../../tools/catalog.ts";
import { buildImage, docker, imageExists, KIT_LABEL } from "../../tools/docker.ts";
import { buildGoProgram, type GoBuildResult, type GoBuildSpec } from "../../tools/go-build.ts";
import { ensureBaseImage } from "../base.ts";
import type { ImageSource } from "../source.ts";
import {
  COMPONENT_VERSIONS,
  cniPluginsSpec,
  containerdSpec,
  corednsSpec,
  crictlSpec,
  etcdSpec,
  localPathProvisionerSpec,
} from "./components.ts";
import { type KindSources, loadKindSources } from "./kind-sources.ts";
import { kubernetesBuildSpec } from "./kubernetes.ts";
import { buildLocalGoProgram } from "./local-go.ts";
import {
  FINGERPRINTED,
  fileNodeImageMemo,
  fingerprintOf,
  type NodeImageMemo,
  nodeImageMemoFile,
} from "./memo.ts";
import {
  ensurePartImage,
  KIND_DIR,
  PART_DOCKERFILES_DIR,
  type PartImageResult,
  type PartImageSpec,
} from "./parts.ts";
import { type BuildProgress, buildStep, type StepTiming } from "./steps.ts";

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

/** NodeBuildPlan is every resolved input of a built node image (written into the image as a label). */
interface GoBinaries {
  kubernetes: GoBuildResult;
  containerd: GoBuildResult;
  cni: GoBuildResult;
  crictl: GoBuildResult;
  etcd: GoBuildResult;
  coredns: GoBuildResult;
  localPath: GoBuildResult;
  pause: string;
  kindnetd: string;
}

async function timed<T extends { built: boolean }>(
  timings: StepTiming[],
  step: string,
  fn: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  const result = await fn();
  timings.push({ step, seconds: (Date.now() - started) / 1000, built: result.built });
  return result;
}

/** buildGoComponents builds (or takes from the cache) every Go program the node image needs. */
export async function buildGoComponents(
  kubernetesVersion: string,
  progress: BuildProgress,
  timings: StepTiming[] = [],
): Promise<GoBinaries> {
  const go = (spec: GoBuildSpec): Promise<GoBuildResult> =>
    timed(timings, `go ${spec.name} ${spec.version}`, () =>
      buildStep(
        `go build ${spec.name}`,
        `Rerun to retry (finished Go builds stay cached); check the Go module proxy and free disk space under ${cacheDir(progress.env)}.`,
        () =>
          buildGoProgram(spec, {
            signal: progress.signal,
            onLine: progress.onLine,
            env: progress.env,
          }),
        progress,
      ),
    );
  const local = async (name: string): Promise<string> =>
    (
      await timed(timings, `go ${name} (kind/${name})`, () =>
        buildStep(`go build ${name}`, `Fix the Go source in kind/${name}.`, () =>
          buildLocalGoProgram(name, join(KIND_DIR, name), progress),
        ),
      )
    ).binary;
  return {
    kubernetes: await go(kubernetesBuildSpec(kubernetesVersion)),
    containerd: await go(containerdSpec()),
    cni: await go(cniPluginsSpec()),
    crictl: await go(crictlSpec()),
    etcd: await go(etcdSpec()),
    coredns: await go(corednsSpec()),
    localPath: await go(localPathProvisionerSpec()),
    pause: await local("pause"),
    kindnetd: await local("kindnetd"),
  };
}

function bin(result: GoBuildResult, name: string): string {
  const path = result.binaries[name];
  if (!path) throw new KitError("bug", `the Go build in ${result.dir} has no binary ${name}`);
  return path;
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
  const pauseNames = [...new Set(["registry.k8s.io/pause:3.10.1", kind.sandboxImage])];
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

/** qualify adds docker.io/ (and library/) the way containerd names images. */
export function qualify(ref: string): string {
  const first = ref.split("/")[0] ?? "";
  if (ref.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")) return ref;
  return ref.includes("/") ? `docker.io/${ref}` : `docker.io/library/${ref}`;
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
      hint: "Update COMPONENT_VERSIONS in kit/src/images/node/components.ts to what `kubeadm config images list` prints.",
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

async function ensureNodeBaseImage(
  k8s: string,
  baseRef: string,
  bins: GoBinaries,
  kind: KindSources,
  progress: BuildProgress,
): Promise<{ ref: string; built: boolean }> {
  const dockerfilePath = join(KIND_DIR, "node-image", "Dockerfile");
  const dockerfile = await readFile(dockerfilePath, "utf8");
  const binFiles: Record<string, string> = {
    containerd: bin(bins.containerd, "containerd"),
    ctr: bin(bins.containerd, "ctr"),
    "containerd-shim-runc-v2": bin(bins.containerd, "containerd-shim-runc-v2"),
    crictl: bin(bins.crictl, "crictl"),
    kubeadm: bin(bins.kubernetes, "kubeadm"),
    kubelet: bin(bins.kubernetes, "kubelet"),
    kubectl: bin(bins.kubernetes, "kubectl"),
  };
  const hash = inputsHash({
    baseRef,
    dockerfile,
    binFiles,
    cni: bins.cni.dir,
    kind: kind.version,
    manifests: kind.manifests,
    k8s,
    layout: 1,
  });
  const ref = `kit.local/kind-node-base:${k8s}-${hash.slice(0, 12)}`;
  if (await imageExists(ref, progress.signal)) return { ref, built: false };
  await buildStep(
    "node base image",
    "Fix kind/node-image/Dockerfile (or Debian's mirror if apt failed) and rerun; nothing was cached.",
    async () => {
      const staging = join(cacheDir(progress.env), "tmp");
      await mkdir(staging, { recursive: true });
      const work = await mkdtemp(join(staging, "node-base-"));
      try {
        const { placeFile } = await import("./steps.ts");
        for (const [name, src] of Object.entries(binFiles)) await placeFile(src, join(work, "bin", name));
        for (const [name, src] of Object.entries(bins.cni.binaries))
          await placeFile(src, join(work, "cni", name));
        await mkdir(join(work, "manifests"), { recursive: true });
        for (const [name, content] of Object.entries(kind.manifests))
          await writeFile(join(work, "manifests", name), content);
        await buildImage(
          {
            tag: ref,
            context: join(KIND_DIR, "node-image"),
            dockerfile: dockerfilePath,
            buildArgs: { BASE_IMAGE: baseRef, KUBERNETES_VERSION: k8s },
            labels: { [`${KIT_LABEL}.stage`]: "kind-node-base" },
            contexts: {
              kindfiles: kind.baseFilesDir,
              bin: join(work, "bin"),
              cni: join(work, "cni"),
              manifests: join(work, "manifests"),
            },
          },
          { signal: progress.signal, onLine: progress.onLine },
        );
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
    progress,
  );
  return { ref, built: true };
}

const CONTAINERD_START = `set -e
nohup containerd > /var/log/containerd-build.log 2>&1 &
echo $! > /run/containerd-build.pid
for i in $(seq 1 60); do [ -S /run/containerd/containerd.sock ] && ctr version >/dev/null 2>&1 && exit 0; sleep 0.5; done
echo "containerd did not start:"; tail -20 /var/log/containerd-build.log; exit 1`;

const CONTAINERD_STOP = `pid=$(cat /run/containerd-build.pid)
kill "$pid"
for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
rm -f /run/containerd-build.pid /var/log/containerd-build.log`;

async function assembleNodeImage(
  ref: string,
  nodeBase: string,
  parts: PartImageResult[],
  inputs: unknown,
  progress: BuildProgress,
): Promise<void> {
  const call = { signal: progress.signal, onLine: progress.onLine };
  const staging = join(cacheDir(progress.env), "tmp");
  await mkdir(staging, { recursive: true });
  const work = await mkdtemp(join(staging, "node-assembly-"));
  const container = `kit-node-build-${process.pid}-${Date.now()}`;
  try {
    const tarball = join(work, "images.tar");
    await docker(["save", "-o", tarball, ...parts.map((p) => p.ref)], { ...call, timeoutMs: 20 * 60_000 });
    await docker([
      "run",
      "-d",
      "--name",
      container,
      "--label",
      `${KIT_LABEL}=true`,
      "--entrypoint=sleep",
      "--security-opt",
      "seccomp=unconfined",
      nodeBase,
      "infinity",
    ]);
    await docker(["cp", tarball, `${container}:/images.tar`], { ...call, timeoutMs: 20 * 60_000 });
    await docker(["exec", container, "bash", "-c", CONTAINERD_START], call);
    await docker(
      [
        "exec",
        container,
        "ctr",
        "--namespace=k8s.io",
        "images",
        "import",
        "--label=io.cri-containerd.pinned=pinned",
        "--all-platforms",
        "--no-unpack",
        "--digests",
        "/images.tar",
      ],
      { ...call, timeoutMs: 20 * 60_000 },
    );
    for (const part of parts) {
      for (const name of part.names) {
        await docker(
          [
            "exec",
            container,
            "ctr",
            "--namespace=k8s.io",
            "images",
            "tag",
            "--force",
            part.ref,
            qualify(name),
          ],
          call,
        );
      }
      await docker(["exec", container, "ctr", "--namespace=k8s.io", "images", "rm", qualify(part.ref)], call);
    }
    const listed = await docker(
      ["exec", container, "ctr", "--namespace=k8s.io", "images", "list", "-q"],
      call,
    );
    progress.onLine?.(`images in the node's containerd:\n${listed}`);
    await docker(["exec", container, "bash", "-c", CONTAINERD_STOP], call);
    await docker(["exec", container, "rm", "-f", "/images.tar"], call);
    await docker(
      [
        "commit",
        "--change",
        'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]',
        "--change",
        "CMD []",
        "--change",
        `LABEL ${KIT_LABEL}=true`,
        "--change",
        `LABEL ${KIT_LABEL}.inputs=${inputsHash(inputs)}`,
        container,
        ref,
      ],
      { ...call, timeoutMs: 20 * 60_000 },
    );
  } finally {
    await run("docker", ["rm", "-f", "-v", container], { allowFailure: true, timeoutMs: 120_000 }).catch(
      () => undefined,
    );
    await rm(work, { recursive: true, force: true });
  }
}

/** nodeImageInputsOf returns the inputs-hash label of a built node image, if it has one. */
export async function nodeImageInputsOf(ref: string, signal?: AbortSignal): Promise<string | undefined> {
  const out = await docker(
    ["image", "inspect", "--format", `{{ index .Config.Labels "${KIT_LABEL}.inputs" }}`, ref],
    {
      signal,
    },
  );
  return out.trim() || undefined;
}
