/**
 * The last two stages of a built node image: the node base image (kind/node-image/Dockerfile: kit's
 * Debian base, kind's node files and the Go binaries) and the assembly (a container from it starts
 * containerd, imports the part images under the names kubeadm and kind expect, and is committed).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "../../exec/index.ts";
import { inputsHash } from "../../hash.ts";
import { cacheDir } from "../../paths.ts";
import { buildImage, docker, imageExists, KIT_LABEL } from "../../tools/docker.ts";
import { bin, type GoBinaries } from "./go-components.ts";
import type { KindSources } from "./kind-sources.ts";
import { KIND_DIR, type PartImageResult } from "./parts.ts";
import { type BuildProgress, buildStep } from "./steps.ts";

/** qualify adds docker.io/ (and library/) the way containerd names images. */
export function qualify(ref: string): string {
  const first = ref.split("/")[0] ?? "";
  if (ref.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")) return ref;
  return ref.includes("/") ? `docker.io/${ref}` : `docker.io/library/${ref}`;
}

/** ensureNodeBaseImage builds the node base image unless an image with the same inputs exists. */
export async function ensureNodeBaseImage(
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

/** assembleNodeImage commits the node image ref: the node base with the part images in its containerd. */
export async function assembleNodeImage(
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
