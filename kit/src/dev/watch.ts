/**
 * watch is kit dev's file watcher over node:fs.watch (recursive on folders, inotify on Linux,
 * FSEvents on macOS). A watched file (a values file) is watched through its folder, so an editor
 * that saves by renaming a new file over it is still seen.
 */
import { type FSWatcher, watch as fsWatch, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { WatchedPath } from "./changes.ts";
import type { DevWatcher, WatchFiles } from "./loop.ts";

/** watchFiles is the real WatchFiles. */
export const watchFiles: WatchFiles = (paths, onFile): DevWatcher => {
  const watchers: FSWatcher[] = [];
  const folders = new Map<string, Set<string> | "all">();
  for (const { path } of paths as WatchedPath[]) {
    const isDir = statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
    if (isDir) folders.set(path, "all");
    else {
      const dir = dirname(path);
      const seen = folders.get(dir);
      if (seen === "all") continue;
      folders.set(dir, new Set([...(seen ?? []), basename(path)]));
    }
  }
  for (const [folder, only] of folders) {
    const recursive = only === "all";
    const watcher = fsWatch(folder, { recursive }, (_event, name) => {
      if (name === null) return;
      const file = join(folder, name.toString());
      if (only !== "all" && !only.has(basename(file))) return;
      onFile(file);
    });
    watcher.on("error", () => undefined);
    watchers.push(watcher);
  }
  return {
    close: () => {
      for (const w of watchers) w.close();
    },
  };
};
