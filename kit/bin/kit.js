#!/usr/bin/env node
// kit runs from its TypeScript sources, and a checkout never runs a stale build: on start, kit
// compiles kit/src with esbuild into node_modules/.cache/kit-cli/<key>/, keyed by every source
// file's path, size and modification time, unless that build is already there (about 0.3 s when
// it is not). Running the compiled modules starts about a second sooner than loading each source
// through a TypeScript loader did. KIT_FROM_SOURCE=1 runs the sources through tsx instead.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const kitDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsconfig = join(kitDir, "tsconfig.json");
/** Builds other than the current one are removed once this old (a running kit may still load them). */
const STALE_BUILD_MS = 24 * 60 * 60 * 1000;

function sourceFiles(dir, into = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "testdata") sourceFiles(path, into);
    } else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      into.push(path);
    }
  }
  return into;
}

async function compiledEntry() {
  const { build, version } = await import("esbuild");
  const hash = createHash("sha256").update(`esbuild ${version} node ${process.versions.node}\n`);
  for (const file of [...sourceFiles(join(kitDir, "src")), tsconfig, fileURLToPath(import.meta.url)].sort()) {
    const stat = statSync(file);
    hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  const key = hash.digest("hex").slice(0, 16);
  const cacheRoot = join(kitDir, "..", "node_modules", ".cache", "kit-cli");
  const out = join(cacheRoot, key);
  const entry = join(out, "main.js");
  if (existsSync(entry)) return entry;
  mkdirSync(cacheRoot, { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  await build({
    entryPoints: [join(kitDir, "src", "cli", "main.ts")],
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    jsx: "automatic",
    sourcemap: "linked",
    tsconfig,
    logLevel: "silent",
  });
  try {
    renameSync(tmp, out);
  } catch {
    // Another kit started at the same time and finished the same build first.
    rmSync(tmp, { recursive: true, force: true });
  }
  for (const name of readdirSync(cacheRoot)) {
    const path = join(cacheRoot, name);
    if (name !== key && Date.now() - statSync(path).mtimeMs > STALE_BUILD_MS) {
      rmSync(path, { recursive: true, force: true });
    }
  }
  return entry;
}

const args = process.argv.slice(2);
let main;
if (process.env.KIT_FROM_SOURCE === "1") {
  const { register } = await import("tsx/esm/api");
  register({ tsconfig });
  ({ main } = await import("../src/cli/main.ts"));
} else {
  // Stack traces of kit's own bugs (printed with --verbose) name the TypeScript sources.
  if (args.includes("--verbose") || args.includes("-v") || process.env.KIT_VERBOSE) {
    process.setSourceMapsEnabled(true);
  }
  ({ main } = await import(pathToFileURL(await compiledEntry()).href));
}
process.exitCode = await main(args);
