/**
 * apps builds the apps' images with BuildKit (layer cache included). Each image is tagged by a
 * hash of the app's source, so an unchanged app is neither rebuilt nor pushed nor redeployed. In
 * build mode the Dockerfiles' base-image build arguments point at bases kit makes from package
 * registries (listed in apps/images/images.json); in upstream mode the Dockerfiles' defaults apply.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, readlink } from "node:fs/promises";
import { join, relative } from "node:path";
import dockerignoreModule from "@balena/dockerignore";
import { UserError, wrapError } from "../errors.ts";
import { inputsHash } from "../hash.ts";
import { buildImage, imageExists } from "../tools/docker.ts";
import { ensureBaseImage } from "./base.ts";
import { hostCaContext } from "./host-ca.ts";
import type { ImageSource } from "./source.ts";

/** AppImage is a built app image and the source hash it was built from (also its registry tag). */
export interface AppImage {
  ref: string;
  sourceHash: string;
}

/** BaseImageEntry is one locally built base image (apps/images/images.json `bases`). */
export interface BaseImageEntry {
  /** Build context folder, relative to the project root. */
  context: string;
  /** Dockerfile, relative to the project root (default <context>/Dockerfile). */
  dockerfile?: string;
}

/** AppBasesFile is apps/images/images.json: the local bases, and which build argument of which app takes which base. */
export interface AppBasesFile {
  bases: Record<string, BaseImageEntry>;
  apps: Record<string, Record<string, string>>;
}

// A CommonJS module whose types declare an ES default export; its function is also its `default`.
const dockerignore = dockerignoreModule.default;

/**
 * contextFilter reads the app's .dockerignore with Docker's own matching rules (globs, `**`,
 * `!` exceptions, parent folders), as testcontainers does. isIgnored takes a path relative to the
 * app folder; mayReinclude says whether an exception rule could bring back a file under an
 * ignored folder, so such a folder must still be walked.
 */
async function contextFilter(
  appDir: string,
): Promise<{ isIgnored: (rel: string) => boolean; mayReinclude: boolean }> {
  const file = join(appDir, ".dockerignore");
  if (!existsSync(file)) return { isIgnored: () => false, mayReinclude: false };
  const text = await readFile(file, "utf8");
  // Docker matches case-sensitively; the library's default is case-insensitive.
  const rules = dockerignore({ ignorecase: false }).add(text);
  const mayReinclude = text.split(/\r?\n/).some((line) => line.trim().startsWith("!"));
  return { isIgnored: (rel) => rules.ignores(rel), mayReinclude };
}

/**
 * appSourceHash hashes every file of an app that its Docker build context sends, so a change to a
 * .dockerignored file (a test, a README) does not rebuild the image.
 */
export async function appSourceHash(root: string, appPath: string): Promise<string> {
  const appDir = join(root, appPath);
  if (!existsSync(appDir)) {
    throw new UserError(`App folder ${appPath} does not exist.`, {
      hint: "Fix apps.<name>.path in kit.config.yaml.",
    });
  }
  const { isIgnored, mayReinclude } = await contextFilter(appDir);
  const files: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(appDir, path);
      if (entry.isDirectory()) {
        if (!isIgnored(rel) || mayReinclude) await walk(path);
        continue;
      }
      // The Dockerfile is usually .dockerignored, but it decides the image: always hash it.
      if (isIgnored(rel) && rel !== "Dockerfile") continue;
      if (entry.isFile()) files[rel] = (await readFile(path)).toString("base64");
      else if (entry.isSymbolicLink()) files[rel] = `symlink:${await readlink(path)}`;
    }
  };
  await walk(appDir);
  return inputsHash(files, 12);
}

/** appImageRef is the local tag of an app image built from source with this hash. */
export function appImageRef(image: string, sourceHash: string): string {
  return `kit.local/${image}:${sourceHash}`;
}

/** readAppBases reads apps/images/images.json, or undefined when the project has none. */
export async function readAppBases(root: string): Promise<AppBasesFile | undefined> {
  const file = join(root, "apps", "images", "images.json");
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, "utf8")) as AppBasesFile;
}

/** AppBuildOptions say which app to build (its folder under root) and how its bases are made. */
export interface AppBuildOptions {
  root: string;
  path: string;
  image: string;
  source: ImageSource;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

/** ensureLocalBase builds one local base image (FROM kit's Debian base), tagged by its inputs. */
async function ensureLocalBase(
  root: string,
  name: string,
  entry: BaseImageEntry,
  options: AppBuildOptions,
): Promise<string> {
  const base = await ensureBaseImage(undefined, { signal: options.signal, onLine: options.onLine });
  const dockerfile = join(root, entry.dockerfile ?? join(entry.context, "Dockerfile"));
  const hash = inputsHash({ base: base.ref, dockerfile: await readFile(dockerfile, "utf8") }, 12);
  const ref = `kit.local/base-${name}:${hash}`;
  if (await imageExists(ref, options.signal)) return ref;
  options.onLine?.(`building base image ${ref}`);
  await buildImage(
    {
      tag: ref,
      context: join(root, entry.context),
      dockerfile,
      buildArgs: { BASE_IMAGE: base.ref },
      contexts: { hostca: await hostCaContext() },
    },
    { signal: options.signal, onLine: options.onLine },
  );
  return ref;
}

/** ensureAppImage builds the app's image unless one from the same source exists. */
export async function ensureAppImage(options: AppBuildOptions): Promise<AppImage> {
  const sourceHash = await appSourceHash(options.root, options.path);
  const ref = appImageRef(options.image, sourceHash);
  if (await imageExists(ref, options.signal)) return { ref, sourceHash };
  const buildArgs: Record<string, string> = {};
  if (options.source === "build") {
    const bases = await readAppBases(options.root);
    const wanted = bases?.apps[options.image] ?? {};
    for (const [arg, baseName] of Object.entries(wanted)) {
      const entry = bases?.bases[baseName];
      if (!entry) {
        throw new UserError(
          `apps/images/images.json: app ${options.image} names base "${baseName}", which is not under "bases".`,
          {
            hint: "Add the base to `bases` or fix the name.",
          },
        );
      }
      buildArgs[arg] = await ensureLocalBase(options.root, baseName, entry, options);
    }
  }
  try {
    await buildImage(
      {
        tag: ref,
        context: join(options.root, options.path),
        buildArgs,
        labels: { "dev.kit.source-hash": sourceHash },
        contexts: { hostca: await hostCaContext() },
      },
      { signal: options.signal, onLine: options.onLine },
    );
  } catch (err) {
    throw wrapError(err, `building the ${options.image} image from ${options.path}`);
  }
  return { ref, sourceHash };
}
