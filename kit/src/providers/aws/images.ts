import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { inputsHash } from "../../hash.ts";
import { DEFAULT_BASE_SPEC, ensureBaseImage } from "../../images/base.ts";
import { hostCaContext } from "../../images/host-ca.ts";
import { KIT_DIR } from "../../paths.ts";
import { buildImage, imageExists } from "../../tools/docker.ts";

const IMAGES_DIR = join(KIT_DIR, "images");

/** ImageBuildOptions are the cancellation and log hooks of an image build. */
export interface ImageBuildOptions {
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

/** ensureEmulatorImage builds kit/images/<name> with buildArgs unless the engine has it; returns the tag. */
export async function ensureEmulatorImage(
  name: "moto" | "localstack",
  version: string,
  buildArgs: Record<string, string>,
  options: ImageBuildOptions & { debianSuite?: string } = {},
): Promise<string> {
  const spec = options.debianSuite ? { ...DEFAULT_BASE_SPEC, suite: options.debianSuite } : DEFAULT_BASE_SPEC;
  const base = await ensureBaseImage(spec, options);
  const context = join(IMAGES_DIR, name);
  const files: Record<string, string> = {};
  for (const file of (await readdir(context)).sort())
    files[file] = await readFile(join(context, file), "utf8");
  const tag = `kit.local/${name}:${version}-${inputsHash({ files, buildArgs, base: base.ref, layout: 1 }, 12)}`;
  if (await imageExists(tag, options.signal)) return tag;
  await buildImage(
    {
      tag,
      context,
      buildArgs: { BASE_IMAGE: base.ref, ...buildArgs },
      labels: { "dev.kit.image": name },
      contexts: { hostca: await hostCaContext() },
    },
    options,
  );
  return tag;
}
