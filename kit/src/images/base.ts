/**
 * base makes the Debian image every locally built kit image starts from, without any image
 * registry: `debootstrap` writes a minimal bookworm root filesystem from Debian's mirror, it is
 * packed into a tarball cached under ~/.cache/kit/images (keyed by its inputs), and `docker
 * import` turns that into an image. A warm cache skips debootstrap; a present image skips both.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { wrapError } from "../errors.ts";
import { run } from "../exec/index.ts";
import { inputsHash } from "../hash.ts";
import { cacheDir } from "../paths.ts";
import { createSingleFlight } from "../single-flight.ts";
import { docker, imageExists, KIT_LABEL } from "../tools/docker.ts";

/** BaseImageSpec is every input of the base image. */
export interface BaseImageSpec {
  suite: string;
  mirror: string;
  variant: "minbase";
  include: string[];
}

/** DEFAULT_BASE_SPEC is the base used by every kit-built image. */
export const DEFAULT_BASE_SPEC: BaseImageSpec = {
  suite: "bookworm",
  mirror: "http://deb.debian.org/debian",
  variant: "minbase",
  include: ["ca-certificates"],
};

/** baseImageRef is the content-addressed tag of the base image for spec. */
export function baseImageRef(spec: BaseImageSpec = DEFAULT_BASE_SPEC): string {
  return `kit.local/debian:${spec.suite}-${inputsHash({ spec, layout: 1 }, 12)}`;
}

/** BaseImageResult says which image holds the base and what had to be done to get it. */
export interface BaseImageResult {
  ref: string;
  action: "present" | "imported" | "built";
}

interface StepOptions {
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Steps that need one base at the same time share one making of it (one debootstrap, not six). */
const making = createSingleFlight<BaseImageResult>();

/**
 * ensureBaseImage returns the base image, making it from the cache or from scratch as needed. Within
 * one kit process, callers asking for the same base while it is being made wait for that run.
 */
export async function ensureBaseImage(
  spec: BaseImageSpec = DEFAULT_BASE_SPEC,
  options: StepOptions = {},
): Promise<BaseImageResult> {
  const ref = baseImageRef(spec);
  if (await imageExists(ref, options.signal)) return { ref, action: "present" };
  let joined = false;
  const result = await making.do(ref, () => makeBaseImage(spec, ref, options), {
    signal: options.signal,
    onJoin: () => {
      joined = true;
      options.onLine?.(`waiting for the base image ${ref}, which another step is making`);
    },
  });
  // Only the caller that made it reports "built"; the others found it made.
  return joined ? { ref, action: "present" } : result;
}

async function makeBaseImage(
  spec: BaseImageSpec,
  ref: string,
  options: StepOptions,
): Promise<BaseImageResult> {
  if (await imageExists(ref, options.signal)) return { ref, action: "present" };
  const dir = join(cacheDir(options.env), "images");
  const tarball = join(dir, `${ref.replace(/[/:]/g, "_")}.tar.gz`);
  let action: BaseImageResult["action"] = "imported";
  try {
    if (!existsSync(tarball)) {
      await debootstrapTarball(spec, dir, tarball, options);
      action = "built";
    }
    await docker(
      [
        "import",
        "--change",
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "--change",
        "ENV LANG=C.UTF-8",
        "--change",
        'CMD ["/bin/bash"]',
        "--change",
        `LABEL ${KIT_LABEL}=true`,
        tarball,
        ref,
      ],
      { signal: options.signal, onLine: options.onLine },
    );
    return { ref, action };
  } catch (err) {
    throw wrapError(err, `making the Debian ${spec.suite} base image ${ref}`);
  }
}

async function debootstrapTarball(
  spec: BaseImageSpec,
  dir: string,
  tarball: string,
  options: StepOptions,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const work = await mkdtemp(join(dir, ".tmp-base-"));
  const rootfs = join(work, "rootfs");
  try {
    options.onLine?.(`debootstrap --variant=${spec.variant} ${spec.suite} from ${spec.mirror}`);
    await run(
      "debootstrap",
      [`--variant=${spec.variant}`, `--include=${spec.include.join(",")}`, spec.suite, rootfs, spec.mirror],
      {
        signal: options.signal,
        onLine: options.onLine,
        timeoutMs: 30 * 60_000,
        hint: "debootstrap needs root and Debian's mirror; `kit doctor --fix` installs it.",
      },
    );
    // apt caches and lists are not part of a base image; each image runs `apt-get update` itself.
    await run("sh", [
      "-c",
      'rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*',
      "sh",
      rootfs,
    ]);
    const partial = join(work, "rootfs.tar.gz");
    await run("tar", ["--numeric-owner", "-C", rootfs, "-czf", partial, "."], {
      signal: options.signal,
      timeoutMs: 10 * 60_000,
    });
    await rename(partial, tarball);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
