/**
 * local-go builds the small Go programs whose source lives in kit's own `kind/` folder (pause,
 * kindnetd): standard library only, static, cached under ~/.cache/kit/go-builds/local-<name>/
 * by a hash of their sources and the Go version, renamed into place only when complete.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { run } from "../../exec/index.ts";
import { inputsHash } from "../../hash.ts";
import { cacheDir } from "../../paths.ts";
import { goVersionOf } from "../../tools/go-build.ts";
import type { BuildProgress } from "./steps.ts";

/** LocalGoResult is the built binary and whether it came from the cache. */
export interface LocalGoResult {
  binary: string;
  built: boolean;
}

/** GoTarget is the platform a binary is built for; the host's when absent. */
export interface GoTarget {
  goos: string;
  goarch: string;
}

/** buildLocalGoProgram builds the main package in sourceDir into a binary called name. */
export async function buildLocalGoProgram(
  name: string,
  sourceDir: string,
  progress: BuildProgress = {},
  target?: GoTarget,
): Promise<LocalGoResult> {
  const files = (await readdir(sourceDir)).filter((f) => f.endsWith(".go") || f === "go.mod").sort();
  const sources: Record<string, string> = {};
  for (const f of files) sources[f] = await readFile(join(sourceDir, f), "utf8");
  const goVersion = await goVersionOf("go", progress.signal);
  const key = inputsHash({ name, sources, goVersion, layout: 1, ...(target ? { target } : {}) });
  const root = join(cacheDir(progress.env), "go-builds", `local-${name}`);
  const dir = join(root, key);
  const binary = join(dir, "bin", name);
  if (existsSync(binary)) return { binary, built: false };
  await mkdir(root, { recursive: true });
  const work = await mkdtemp(join(root, ".tmp-"));
  try {
    await mkdir(join(work, "bin"));
    await run("go", ["build", "-trimpath", "-ldflags", "-s -w", "-o", join(work, "bin", name), "."], {
      cwd: sourceDir,
      env: {
        CGO_ENABLED: "0",
        GOTOOLCHAIN: "local",
        GOFLAGS: "-mod=mod",
        ...(target ? { GOOS: target.goos, GOARCH: target.goarch } : {}),
      },
      signal: progress.signal,
      onLine: progress.onLine,
      timeoutMs: 10 * 60_000,
      hint: `The Go source in ${sourceDir} did not compile; run \`go build .\` there to see why.`,
    });
    await rm(dir, { recursive: true, force: true });
    await rename(work, dir);
    return { binary, built: true };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
