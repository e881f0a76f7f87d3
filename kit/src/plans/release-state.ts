/**
 * release-state remembers, per app, the hash of everything a Helm release was installed from
 * (chart files, values files, kit's computed values) in the git-ignored .kit/ folder, so `kit up`
 * redeploys only when one of them changed.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { inputsHash } from "../hash.ts";
import { stateDir } from "../paths.ts";

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

const recordFile = (root: string): string => join(stateDir(root), "releases.json");

async function readAll(root: string): Promise<Record<string, ReleaseRecord>> {
  if (!existsSync(recordFile(root))) return {};
  return JSON.parse(await readFile(recordFile(root), "utf8")) as Record<string, ReleaseRecord>;
}

/** readReleaseRecord returns the record of an app, if kit installed it before. */
export async function readReleaseRecord(root: string, app: string): Promise<ReleaseRecord | undefined> {
  return (await readAll(root))[app];
}

/** writeReleaseRecord stores an app's record (atomically). */
export async function writeReleaseRecord(root: string, app: string, record: ReleaseRecord): Promise<void> {
  const all = await readAll(root);
  all[app] = record;
  await mkdir(stateDir(root), { recursive: true });
  const tmp = `${recordFile(root)}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`);
  await rename(tmp, recordFile(root));
}

/** clearReleaseRecords forgets every release (after `kit down`). */
export async function clearReleaseRecords(root: string): Promise<void> {
  if (existsSync(recordFile(root))) await writeFile(recordFile(root), "{}\n");
}
