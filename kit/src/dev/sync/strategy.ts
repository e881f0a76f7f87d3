/**
 * strategy says how `kit dev` makes an app's saves live without a new image: which language the
 * app is (a go.mod or a package.json at its root), which saved files a host build can carry into
 * the running pods (Go sources; Node's src/), and which need the image rebuilt (dependencies,
 * the Dockerfile, anything else). Pure: names in, decisions out.
 */
import { basename } from "node:path";

/** SyncLanguage is how an app is built for syncing. */
export type SyncLanguage = "go" | "node";

/** languageOf names the app's language from the files at its root, or undefined when kit cannot sync it. */
export function languageOf(rootFiles: readonly string[]): SyncLanguage | undefined {
  if (rootFiles.includes("go.mod")) return "go";
  if (rootFiles.includes("package.json")) return "node";
  return undefined;
}

/** SyncDecision is what a batch of saves to one app needs. */
export type SyncDecision = "sync" | "rebuild";

/**
 * decide maps an app's saved files (relative to the app's folder) to the least that makes them
 * live: "sync" when every file is code a host build carries, "rebuild" when any is not (go.mod,
 * package-lock.json, the Dockerfile, a config file), since only the image build knows those.
 */
export function decide(
  language: SyncLanguage,
  files: readonly string[],
  exists: (file: string) => boolean = () => true,
): SyncDecision {
  // A file that is gone and is not code was an editor's temporary (sed's sedXXXXXX, vim's 4913).
  return files.every((file) => syncable(language, file) || !exists(file)) ? "sync" : "rebuild";
}

function syncable(language: SyncLanguage, file: string): boolean {
  const parts = file.split(/[\\/]/);
  if (parts.includes("..")) return false;
  if (language === "go") return basename(file).endsWith(".go");
  // Node: what tsconfig.build.json compiles (src/); tests and config files are not in the image's code.
  return parts[0] === "src" && /\.(ts|mts|js|mjs|json)$/.test(file);
}

/**
 * nodeEntryOf is the source a Node app's package.json `main` is compiled from, by the convention of
 * tsconfig.build.json (rootDir src, outDir the first folder of main): dist/main.js ← src/main.ts.
 */
export function nodeEntryOf(main: string | undefined): { source: string; output: string } {
  const output = (main ?? "dist/main.js").replace(/^\.\//, "");
  const [, ...rest] = output.split("/");
  const source = ["src", ...rest].join("/").replace(/\.(c|m)?js$/, ".ts");
  return { source, output };
}

/**
 * Route is where a batch of saves goes: apps whose code a host build carries (sync), apps whose
 * chart or values changed besides (release: helm upgrade, image kept), and apps that need a new
 * image (rebuild).
 */
export interface Route {
  sync: string[];
  release: string[];
  rebuild: string[];
}

/**
 * routeChanges splits a batch. An app kit can sync (language known, its pods already run devrun)
 * goes to sync when only code a host build carries changed, to release when its chart or values
 * changed too (the sync step in the up plan carries the code), and to rebuild when any other file
 * of its folder changed (go.mod, package-lock.json, the Dockerfile) or kit cannot sync it.
 */
export function routeChanges(
  changes: readonly { app: string; kinds: readonly string[]; files: readonly string[] }[],
  appOf: (app: string) => { path: string; language: SyncLanguage | undefined; syncing: boolean },
  /** Whether a file (relative to the project root) exists now. */
  exists: (file: string) => boolean = () => true,
): Route {
  const route: Route = { sync: [], release: [], rebuild: [] };
  for (const change of changes) {
    const app = appOf(change.app);
    const prefix = `${app.path.replace(/\/+$/, "")}/`;
    const inApp = change.files.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
    const codeOnly =
      app.language !== undefined && decide(app.language, inApp, (f) => exists(`${prefix}${f}`)) === "sync";
    const where =
      !app.syncing || !codeOnly ? "rebuild" : change.kinds.some((k) => k !== "source") ? "release" : "sync";
    route[where].push(change.app);
  }
  return route;
}
