/**
 * parts builds the small images the node image preloads (control plane, etcd, CoreDNS, pause,
 * kindnetd, local-path) and kit's registry image, each from a Dockerfile in `kind/node-image/images/`
 * and binaries kit built. Each is tagged `kit.local/kind-node-parts/<name>:<inputs-hash>`, so an
 * image is rebuilt only when its Dockerfile, its files or the base image change; `docker build`
 * only tags on success, so a failed build leaves nothing behind under that tag.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { inputsHash } from "../../hash.ts";
import { cacheDir, REPO_DIR } from "../../paths.ts";
import { buildImage, imageExists, KIT_LABEL } from "../../tools/docker.ts";
import { type BuildProgress, buildStep, placeFile } from "./steps.ts";

/** KIND_DIR is the repository's `kind/` folder (Dockerfiles, scripts, config templates). */
export const KIND_DIR = join(REPO_DIR, "kind");

/** PART_DOCKERFILES_DIR holds one Dockerfile per part image. */
export const PART_DOCKERFILES_DIR = join(KIND_DIR, "node-image", "images");

/** PartImageSpec is one part image: its Dockerfile and the files its build context holds. */
export interface PartImageSpec {
  /** Dockerfile is `<name>.Dockerfile` in kind/node-image/images. */
  name: string;
  /** Context file name -> absolute path of the file to put there. */
  files: Record<string, string>;
  /** The base image ref passed as BASE_IMAGE (omitted for FROM scratch images). */
  baseImage?: string;
  /** Names the image carries inside the node's containerd (e.g. registry.k8s.io/pause:3.10.1). */
  names: string[];
}

/** PartImageResult is the local tag of a part image and whether it had to be built. */
export interface PartImageResult {
  name: string;
  ref: string;
  names: string[];
  built: boolean;
  seconds: number;
}

/**
 * fileIdentity is what a context file adds to a part's inputs hash: for a Go build output in kit's
 * cache, its path under the cache (its folder is named by its own inputs hash, so the path stands
 * for the content and nothing is read); for any other file (a script in the checkout), its
 * content. A checkout's location never changes a tag: with the path of
 * kind/node-image/images/iptables-wrapper in the hash, every fresh clone rebuilt kube-proxy,
 * kindnetd and the node image.
 */
export async function fileIdentity(path: string, cache: string = cacheDir()): Promise<string> {
  if (path.startsWith(cache + sep)) return `cache:${relative(cache, path)}`;
  return `sha256:${createHash("sha256")
    .update(await readFile(path))
    .digest("hex")}`;
}

/** partImageRef returns the content-addressed tag of a part image. */
export async function partImageRef(spec: PartImageSpec, cache: string = cacheDir()): Promise<string> {
  const dockerfile = await readFile(join(PART_DOCKERFILES_DIR, `${spec.name}.Dockerfile`), "utf8");
  const files: Record<string, string> = {};
  for (const [name, src] of Object.entries(spec.files).sort(([a], [b]) => a.localeCompare(b)))
    files[name] = await fileIdentity(src, cache);
  const hash = inputsHash({
    dockerfile,
    files,
    baseImage: spec.baseImage ?? "scratch",
    layout: 2,
  });
  return `kit.local/kind-node-parts/${spec.name}:${hash}`;
}

/** ensurePartImage builds one part image unless an image with its inputs hash already exists. */
export async function ensurePartImage(
  spec: PartImageSpec,
  progress: BuildProgress = {},
): Promise<PartImageResult> {
  const ref = await partImageRef(spec, cacheDir(progress.env));
  const started = Date.now();
  if (await imageExists(ref, progress.signal)) {
    return { name: spec.name, ref, names: spec.names, built: false, seconds: 0 };
  }
  await buildStep(
    `image ${spec.name}`,
    `Fix kind/node-image/images/${spec.name}.Dockerfile or the build of its files, then rerun; nothing was cached.`,
    async () => {
      const staging = join(cacheDir(progress.env), "tmp");
      await mkdir(staging, { recursive: true });
      const context = await mkdtemp(join(staging, `part-${spec.name}-`));
      try {
        for (const [name, src] of Object.entries(spec.files)) await placeFile(src, join(context, name));
        await buildImage(
          {
            tag: ref,
            context,
            dockerfile: join(PART_DOCKERFILES_DIR, `${spec.name}.Dockerfile`),
            buildArgs: spec.baseImage ? { BASE_IMAGE: spec.baseImage } : {},
            labels: { [`${KIT_LABEL}.part`]: spec.name },
          },
          { signal: progress.signal, onLine: progress.onLine },
        );
      } finally {
        await rm(context, { recursive: true, force: true });
      }
    },
    progress,
  );
  return { name: spec.name, ref, names: spec.names, built: true, seconds: (Date.now() - started) / 1000 };
}
