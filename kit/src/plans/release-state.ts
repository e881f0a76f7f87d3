/**
 * release-state remembers, per app, the hash of everything a Helm release was installed from
 * (chart files, values files, kit's computed values) in the environment's state folder
 * (releases.json), so `kit up` redeploys only when one of them changed, whichever checkout runs it.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { writeJsonAtomic } from "../atomic-file.ts";
import { inputsHash } from "../hash.ts";

/** ReleaseRecord is what kit wrote after the last successful install of an app. */
export interface ReleaseRecord {
  inputsHash: string;
  revision: string;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // Charts link the shared service chart under charts/; follow the link.
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path)).isDirectory());
    if (isDir) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out.sort();
}

/** releaseInputsHash hashes a chart folder, the values files and the computed values. */
export async function releaseInputsHash(
  chart: string,
  valuesFiles: string[],
  values: Record<string, string>,
): Promise<string> {
  const files: Record<string, string> = {};
  for (const file of await filesUnder(chart)) files[relative(chart, file)] = await readFile(file, "utf8");
  const valueFiles: string[] = [];
  for (const file of valuesFiles) valueFiles.push(await readFile(file, "utf8"));
  return inputsHash({ files, valueFiles, values });
}

async function readAll(file: string): Promise<Record<string, ReleaseRecord>> {
  if (!existsSync(file)) return {};
  return JSON.parse(await readFile(file, "utf8")) as Record<string, ReleaseRecord>;
}

/** readReleaseRecord returns the record of an app from the records file, if kit installed it before. */
export async function readReleaseRecord(file: string, app: string): Promise<ReleaseRecord | undefined> {
  return (await readAll(file))[app];
}

// Apps deploy concurrently: their read-modify-writes of one file go one after another.
const writes = new Map<string, Promise<void>>();

/** writeReleaseRecord stores an app's record in the records file (atomically). */
export function writeReleaseRecord(file: string, app: string, record: ReleaseRecord): Promise<void> {
  const write = async (): Promise<void> => {
    const all = await readAll(file);
    all[app] = record;
    await writeJsonAtomic(file, all);
  };
  const next = (writes.get(file) ?? Promise.resolve()).then(write, write);
  writes.set(file, next);
  return next;
}
