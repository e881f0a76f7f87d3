/**
 * inputs computes what a gate verdict is bound to, besides the image digest: the chart (name,
 * version and a hash of the files helm renders) and, per environment, a hash of the values files
 * the app declares for it. A promotion compares these with the files as they are now.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { parse as parseYaml } from "yaml";
import type { AppConfig } from "../config/schema.ts";
import { UserError } from "../errors.ts";

/** ChartIdentity is a chart as a gate record names it. */
export interface ChartIdentity {
  name: string;
  version: string;
  /** sha256 over every file of the chart (subcharts followed), test values under ci/ excluded. */
  hash: string;
}

/** FOLDERS_NOT_RENDERED hold chart test inputs (ci/faults, ci/*-values.yaml), not what helm installs. */
const FOLDERS_NOT_RENDERED = new Set(["ci", "unittests"]);

async function chartFiles(dir: string, top: boolean): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (top && FOLDERS_NOT_RENDERED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    // Charts link the shared service chart under charts/; follow the link.
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path)).isDirectory());
    if (isDir) out.push(...(await chartFiles(path, false)));
    else out.push(path);
  }
  return out.sort();
}

/** hashFiles is a sha256 over file names (relative to base) and contents, in order. */
async function hashFiles(base: string, files: string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${relative(base, file)}\0`);
    hash.update(await readFile(file));
    hash.update("\0");
  }
  return `sha256:${hash.digest("hex")}`;
}

/** chartIdentity reads Chart.yaml and hashes the chart folder at root/chart. */
export async function chartIdentity(root: string, chart: string): Promise<ChartIdentity> {
  const dir = join(root, chart);
  let meta: { name?: unknown; version?: unknown };
  try {
    meta = (parseYaml(await readFile(join(dir, "Chart.yaml"), "utf8")) ?? {}) as typeof meta;
  } catch (err) {
    throw new UserError(`cannot read ${chart}/Chart.yaml`, {
      hint: "Fix apps.<app>.chart in kit.config.yaml: it must name a Helm chart folder.",
      cause: err,
    });
  }
  return {
    name: String(meta.name ?? ""),
    version: String(meta.version ?? ""),
    hash: await hashFiles(dir, await chartFiles(dir, true)),
  };
}

/**
 * valuesHashes hashes, for each environment the app lists values files for, those files in order
 * (names and contents). A change to any of them means what passed the gate is not what would ship.
 */
export async function valuesHashes(root: string, app: AppConfig): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [env, files] of Object.entries(app.values)) {
    out[env] = await hashFiles(
      root,
      files.map((f) => join(root, f)),
    );
  }
  return out;
}
