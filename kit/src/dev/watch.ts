/**
 * watch is kit dev's file watcher over node:fs.watch, one watch per folder (inotify on Linux,
 * FSEvents on macOS), never per file: editors that save by writing a new file and renaming it over
 * the old one (vim, sed -i, git checkout) replace the file's inode, which a per-file watch (and
 * Node 20's recursive watch on Linux, built from them) stops seeing after the first save. A folder
 * created later is watched from its creation. A watched file (a values file) is watched through its
 * folder, filtered by name.
 */
import { type Dirent, type FSWatcher, watch as fsWatch, readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { IGNORED_PARTS, type WatchedPath } from "./changes.ts";
import type { DevWatcher, WatchFiles } from "./loop.ts";

/** watchFiles is the real WatchFiles. */
export const watchFiles: WatchFiles = (paths, onFile): DevWatcher => {
  const watchers = new Map<string, FSWatcher>();
  let closed = false;

  const watchFolder = (folder: string, only: Set<string> | "all"): void => {
    if (closed || watchers.has(folder)) return;
    let watcher: FSWatcher;
    try {
      watcher = fsWatch(folder, (_event, name) => {
        if (name === null) return;
        const file = join(folder, name.toString());
        if (only !== "all") {
          if (only.has(basename(file))) onFile(file);
          return;
        }
        // A new folder: watch it and everything already in it (a `git checkout` of a folder).
        if (!IGNORED_PARTS.has(basename(file)) && statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
          watchTree(file);
          return;
        }
        onFile(file);
      });
    } catch {
      return; // gone before it could be watched
    }
    watcher.on("error", () => {
      watcher.close();
      watchers.delete(folder);
    });
    watchers.set(folder, watcher);
  };

  const watchTree = (folder: string): void => {
    watchFolder(folder, "all");
    let entries: Dirent[] = [];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !IGNORED_PARTS.has(entry.name)) watchTree(join(folder, entry.name));
    }
  };

  const files = new Map<string, Set<string>>();
  for (const { path } of paths as WatchedPath[]) {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) watchTree(path);
    else files.set(dirname(path), new Set([...(files.get(dirname(path)) ?? []), basename(path)]));
  }
  // Files whose folder is watched whole are already seen.
  for (const [folder, names] of files) if (!watchers.has(folder)) watchFolder(folder, names);

  return {
    close: () => {
      closed = true;
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
};
