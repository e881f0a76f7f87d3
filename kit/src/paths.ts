import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";

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

/** stateDir is the git-ignored .kit/ folder at the project root: what kit created, ports, endpoints. */
export function stateDir(projectRoot: string): string {
  return join(projectRoot, ".kit");
}
