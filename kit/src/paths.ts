import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * findKitDir walks up from this module to kit's own folder (the one holding versions.json and
 * images/). It works from the sources (kit/src) and from the compiled CLI (kit/bin/kit.js compiles
 * kit into node_modules/.cache/kit-cli), so data files are never found relative to a module.
 */
function findKitDir(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "versions.json")) && existsSync(join(dir, "src", "cli"))) return dir;
    if (existsSync(join(dir, "kit", "versions.json"))) return join(dir, "kit");
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`kit's folder (with versions.json) is not above ${start}`);
    dir = parent;
  }
}

/** KIT_DIR is kit's folder in the repository (kit/: versions.json, images/, src/). */
export const KIT_DIR = findKitDir(dirname(fileURLToPath(import.meta.url)));

/** REPO_DIR is the repository holding kit (its kind/, charts/ and so on). */
export const REPO_DIR = dirname(KIT_DIR);

/**
 * cacheDir is where kit keeps costly artifacts (built images, Go-built tools, the provider
 * mirror), keyed by their inputs. KIT_CACHE_DIR overrides it; XDG_CACHE_HOME is honoured.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KIT_CACHE_DIR) return resolve(env.KIT_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), ".cache");
  return join(base, "kit");
}

/** binDir is kit's own bin directory for tools it installs (kind, helm, tofu, ...). */
export function binDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), "bin");
}

/** findProjectRoot walks up from start to the directory holding kit.config.yaml, or undefined. */
export function findProjectRoot(start: string = process.cwd()): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "kit.config.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * stateDir is the git-ignored .kit/ folder at the project root: what belongs to this checkout (the
 * logs of the runs started here, the apps' base-image build arguments, a copy of the endpoints of
 * the environment this checkout last brought up, for the Tiltfile). An environment's own state
 * lives in environmentDir, not here.
 */
export function stateDir(projectRoot: string): string {
  return join(projectRoot, ".kit");
}

/**
 * environmentDir is where a local environment keeps its state (the lock, the Terraform state, the
 * release records, the kubeconfig): `<cache>/envs/<name>`, so every checkout that names the same
 * environment finds the same state, and KIT_CACHE_DIR moves it with the rest of kit's files.
 */
export function environmentDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), "envs", name);
}
