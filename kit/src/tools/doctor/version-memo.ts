/**
 * version-memo remembers what a tool's version command printed, keyed by the binary itself (its
 * real path, size and modification time) and the command: a binary that has not changed prints the
 * same version, so `kit up`'s toolchain check spawns no process for it the next time. Replacing or
 * upgrading the binary changes its key, and the command runs again. The memo is one JSON file
 * under kit's cache, written atomically; a lost or torn file only costs one round of version
 * commands.
 */
import { existsSync, readFileSync } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { writeJsonAtomic } from "../../atomic-file.ts";
import { cacheDir } from "../../paths.ts";

/** VersionMemo maps a binary's key to the version output it printed. */
export interface VersionMemo {
  get(key: string): string | undefined;
  set(key: string, output: string): void;
}

/** FileFacts are what a binary's key is made of. */
export type StatBinary = (
  file: string,
) => Promise<{ path: string; size: number; mtimeMs: number } | undefined>;

/** statBinary resolves symlinks (kit's bin directory links into its Go build cache) and stats the target. */
export const statBinary: StatBinary = async (file) => {
  try {
    const path = await realpath(file);
    const s = await stat(path);
    return { path, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return undefined;
  }
};

/** versionKey is the memo key of running file with args, or undefined when the file cannot be read. */
export async function versionKey(
  file: string,
  args: readonly string[],
  statOf: StatBinary = statBinary,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const facts = await statOf(file);
  if (!facts) return undefined;
  // GOTOOLCHAIN changes what `go version` reports without changing the binary.
  return JSON.stringify([facts.path, facts.size, facts.mtimeMs, args, env.GOTOOLCHAIN ?? ""]);
}

/**
 * memoized runs the version command through the memo: a hit spawns nothing; a miss runs it and
 * remembers a successful output (a failure is never remembered, so it is retried).
 */
export async function memoized(
  memo: VersionMemo,
  file: string,
  args: readonly string[],
  runVersion: () => Promise<string | undefined>,
  statOf: StatBinary = statBinary,
): Promise<string | undefined> {
  const key = await versionKey(file, args, statOf);
  const hit = key ? memo.get(key) : undefined;
  if (hit !== undefined) return hit;
  const output = await runVersion();
  if (key && output !== undefined) memo.set(key, output);
  return output;
}

/** memoryVersionMemo keeps the memo in a map (tests; and the base of the file memo). */
export function memoryVersionMemo(entries: Record<string, string> = {}): VersionMemo & {
  entries: Record<string, string>;
} {
  return {
    entries,
    get: (key) => entries[key],
    set(key, output) {
      entries[key] = output;
    },
  };
}

/** VERSION_MEMO_FILE is where the memo lives. */
export const versionMemoFile = (env: NodeJS.ProcessEnv = process.env): string =>
  join(cacheDir(env), "tool-versions.json");

/**
 * fileVersionMemo loads the memo file; save() writes it back when something was added. Entries
 * whose binary is gone stay until the file is deleted; they are a few hundred bytes each.
 */
export function fileVersionMemo(path: string = versionMemoFile()): VersionMemo & { save(): Promise<void> } {
  let entries: Record<string, string> = {};
  try {
    if (existsSync(path)) entries = JSON.parse(readFileSync(path, "utf8")) as Record<string, string>;
  } catch {
    entries = {};
  }
  const memo = memoryVersionMemo(entries);
  let dirty = false;
  return {
    get: memo.get,
    set(key, output) {
      memo.set(key, output);
      dirty = true;
    },
    async save() {
      if (!dirty) return;
      await writeJsonAtomic(path, memo.entries, { compact: true });
      dirty = false;
    },
  };
}
