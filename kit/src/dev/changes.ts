/**
 * changes maps saved files to the apps they belong to and what kind of change each is, so
 * `kit dev` redeploys only the apps a save touched. Pure: paths in, apps out.
 */
import { isAbsolute, join, relative, sep } from "node:path";
import type { KitConfig } from "../config/schema.ts";

/** ChangeKind says what a saved file is to its app: its code, its chart, or its values. */
export type ChangeKind = "source" | "chart" | "values";

/** WatchedPath is a file or folder kit dev watches for one app. */
export interface WatchedPath {
  app: string;
  /** Absolute path of a folder (watched recursively) or a file. */
  path: string;
  kind: ChangeKind;
}

/** AppChange is what one debounced batch of saves means for one app. */
export interface AppChange {
  app: string;
  kinds: ChangeKind[];
  /** The files saved, relative to the project root. */
  files: string[];
}

/** watchedPaths lists what kit dev watches for the apps: each one's source, chart and local values. */
export function watchedPaths(
  config: Pick<KitConfig, "apps">,
  root: string,
  apps: readonly string[],
  environment = "local",
): WatchedPath[] {
  return apps.flatMap((app) => {
    const spec = config.apps[app];
    if (!spec) return [];
    return [
      { app, path: join(root, spec.path), kind: "source" as const },
      { app, path: join(root, spec.chart), kind: "chart" as const },
      ...(spec.values[environment] ?? []).map((file) => ({
        app,
        path: join(root, file),
        kind: "values" as const,
      })),
    ];
  });
}

/** IGNORED_PARTS are folders whose files never change an app: dependencies, VCS, build output. */
export const IGNORED_PARTS = new Set(["node_modules", ".git", ".kit", "dist", "coverage", ".terraform"]);

/** ignoredFile says whether a saved file is noise: editor swap and backup files, dependency folders. */
export function ignoredFile(file: string): boolean {
  const parts = file.split(sep);
  const base = parts.at(-1) ?? "";
  if (parts.some((p) => IGNORED_PARTS.has(p))) return true;
  return (
    base.endsWith("~") ||
    base.endsWith(".swp") ||
    base.endsWith(".swx") ||
    base.startsWith(".#") ||
    base === "4913" || // vim's probe file
    base === ".DS_Store"
  );
}

const inside = (parent: string, child: string): boolean => {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
};

/**
 * changesOf groups saved files (absolute paths) by app. A file under several watched paths (a
 * values file inside its chart) counts as the most specific: values over chart over source.
 */
export function changesOf(
  watched: readonly WatchedPath[],
  root: string,
  files: readonly string[],
): AppChange[] {
  const rank: Record<ChangeKind, number> = { values: 3, chart: 2, source: 1 };
  const byApp = new Map<string, { kinds: Set<ChangeKind>; files: Set<string> }>();
  for (const file of files) {
    if (ignoredFile(file)) continue;
    const match = watched
      .filter((w) => inside(w.path, file))
      .sort((a, b) => rank[b.kind] - rank[a.kind] || b.path.length - a.path.length)[0];
    if (!match) continue;
    const entry = byApp.get(match.app) ?? { kinds: new Set(), files: new Set() };
    entry.kinds.add(match.kind);
    entry.files.add(relative(root, file));
    byApp.set(match.app, entry);
  }
  return [...byApp.entries()].map(([app, e]) => ({
    app,
    kinds: [...e.kinds].sort(),
    files: [...e.files].sort(),
  }));
}
