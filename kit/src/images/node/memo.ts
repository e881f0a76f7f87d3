/**
 * memo remembers which node image kit's sources name, so a `kit up` that reuses its cluster does
 * not walk the node image's whole build (nine Go build caches, a kubeadm run, a dozen image checks,
 * a few hundred ms) only to compare the name with what the nodes run.
 *
 * The key is a fingerprint of every input the build reads from this checkout: kit/versions.json,
 * the build's code (kit/src/images and kit/src/tools) and kind/ (kind's node files, pause,
 * kindnetd), by path, size and modification time; and the CPU. Everything else the build uses
 * is pinned by those files (module versions, the Debian suite). A hit counts only when the image
 * it names is still in Docker; otherwise, and after any change to those files, the full build
 * runs and records its result.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeJsonAtomic } from "../../atomic-file.ts";
import { inputsHash } from "../../hash.ts";
import { cacheDir, KIT_DIR, REPO_DIR } from "../../paths.ts";

/** FINGERPRINTED are the folders and files whose contents decide the node image. */
export const FINGERPRINTED = [
  join(KIT_DIR, "versions.json"),
  join(KIT_DIR, "src", "images"),
  join(KIT_DIR, "src", "tools"),
  join(REPO_DIR, "kind"),
];

/** fingerprintOf lists each file under paths by path, size and modification time, and hashes it. */
export function fingerprintOf(paths: readonly string[], extra: unknown = {}): string {
  const files: Record<string, string> = {};
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    const s = statSync(path);
    if (s.isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name !== "node_modules") visit(join(path, name));
    } else if (s.isFile()) files[path] = `${s.size}:${s.mtimeMs}`;
  };
  for (const p of paths) visit(p);
  return inputsHash({ files, extra });
}

/** NodeImageMemo maps a fingerprint to the node image ref the build named for it. */
export interface NodeImageMemo {
  get(fingerprint: string): string | undefined;
  set(fingerprint: string, ref: string): Promise<void>;
}

/** nodeImageMemoFile is where the memo lives, beside the images it names. */
export const nodeImageMemoFile = (env: NodeJS.ProcessEnv = process.env): string =>
  join(cacheDir(env), "images", "node-image-memo.json");

/** fileNodeImageMemo keeps the memo in one JSON file (the last few fingerprints), written atomically. */
export function fileNodeImageMemo(path: string = nodeImageMemoFile()): NodeImageMemo {
  const read = (): Record<string, string> => {
    try {
      return JSON.parse(readFileSync(path, "utf8")) as Record<string, string>;
    } catch {
      return {};
    }
  };
  return {
    get: (fingerprint) => read()[fingerprint],
    async set(fingerprint, ref) {
      // Keep the latest entries only: one per checkout state a user switches between is plenty.
      const all = read();
      delete all[fingerprint];
      all[fingerprint] = ref;
      const entries = Object.entries(all).slice(-8);
      await writeJsonAtomic(path, Object.fromEntries(entries), { compact: true });
    },
  };
}
