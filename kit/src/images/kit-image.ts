/**
 * kit-image builds the images kit keeps in kit/images (the AWS emulators, PostgreSQL) on kit's Debian
 * base, tagged by a hash of every input, so a present image is never built again.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { inputsHash } from "../hash.ts";
import { KIT_DIR } from "../paths.ts";
import { buildImage, imageExists } from "../tools/docker.ts";
import { DEFAULT_BASE_SPEC, ensureBaseImage } from "./base.ts";
import { hostCaContext } from "./host-ca.ts";

const IMAGES_DIR = join(KIT_DIR, "images");

/** ImageBuildOptions are the cancellation and log hooks of an image build. */
export interface ImageBuildOptions {
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

/** KitImageName names a folder of kit/images built on kit's Debian base (ferretdb is built by its provider). */
export type KitImageName = "moto" | "localstack" | "postgres";

/** ensureKitImage builds kit/images/<name> with buildArgs unless the engine has it; returns the tag. */
export async function ensureKitImage(
  name: KitImageName,
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
