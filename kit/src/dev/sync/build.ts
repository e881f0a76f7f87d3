/**
 * build makes what `kit dev` syncs into an app's pods, on the host and in about a second: the Go
 * binary (`go build` with the Dockerfile's flags, the host's build cache making it incremental),
 * or the Node entry bundled by esbuild (dependencies stay external: the image's node_modules),
 * plus kit's devrun supervisor. Each goes into a staging folder laid out as the pods see it.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../../errors.ts";
import { run } from "../../exec/index.ts";
import { buildLocalGoProgram, type GoTarget } from "../../images/node/local-go.ts";
import { KIT_DIR } from "../../paths.ts";
import { nodeEntryOf, type SyncLanguage } from "./strategy.ts";

/** DEVRUN_DIR is the source of kit's devrun supervisor. */
export const DEVRUN_DIR = join(KIT_DIR, "devrun");

/** nodeGoTarget is the platform of the kind nodes: Linux on the host's CPU. */
export function nodeGoTarget(arch: string = process.arch): GoTarget {
  return { goos: "linux", goarch: arch === "x64" ? "amd64" : arch };
}

/** AppBuildRequest is one host build of an app into staging/app. */
export interface AppBuildRequest {
  language: SyncLanguage;
  name: string;
  /** The app's folder (absolute). */
  appDir: string;
  /** The staging folder; the build lands in staging/app. */
  staging: string;
  /** The app image's entrypoint and working folder (docker image inspect), for Node's command. */
  image: { entrypoint: string[]; workdir: string };
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

/** BuiltApp is what a host build produced: the command devrun runs, as the pod sees it. */
export interface BuiltApp {
  command: string[];
  /** Sub-folders of the staging folder mounted over the image's own (Node's dist). */
  subPathMounts: { subPath: string; mountPath: string }[];
  /** Variables for the app under devrun. */
  env: { name: string; value: string }[];
}

/** MOUNT_PATH is where the pods see the staging folder (the chart's devSync.mountPath). */
export const MOUNT_PATH = "/kit-dev";

/** AppDescribeRequest is what describing a build needs: no sources are compiled. */
export type AppDescribeRequest = Pick<AppBuildRequest, "language" | "name" | "appDir" | "image">;

/**
 * describeApp says what devrun runs for the app's host build, without building it: `kit up` on a
 * node whose build is current needs the command and mounts for the release, not a new build.
 */
export async function describeApp(req: AppDescribeRequest): Promise<BuiltApp> {
  if (req.language === "go")
    return { command: [`${MOUNT_PATH}/app/${req.name}`], subPathMounts: [], env: [] };
  const entry = nodeEntryOf(await packageMain(req.appDir));
  const outDir = entry.output.split("/")[0] ?? "dist";
  return {
    // The image's entrypoint is node (/nodejs/bin/node in distroless); its WORKDIR holds node_modules.
    command: [...(req.image.entrypoint.length > 0 ? req.image.entrypoint : ["node"]), entry.output],
    subPathMounts: [{ subPath: `app/${outDir}`, mountPath: `${req.image.workdir || "/app"}/${outDir}` }],
    // Node keeps the compiled code of node_modules in the pod's /tmp (an emptyDir), so each new
    // process after the first starts sooner (Node 22.1 and later; older ones ignore it).
    env: [{ name: "NODE_COMPILE_CACHE", value: "/tmp/node-compile-cache" }],
  };
}

async function packageMain(appDir: string): Promise<string | undefined> {
  return (JSON.parse(await readFile(join(appDir, "package.json"), "utf8")) as { main?: string }).main;
}

/** buildApp builds the app on the host into staging/app and describes what devrun runs. */
export async function buildApp(req: AppBuildRequest): Promise<BuiltApp> {
  const out = join(req.staging, "app");
  await mkdir(out, { recursive: true });
  if (req.language === "go") await buildGo(req, out);
  else await buildNode(req, out);
  return describeApp(req);
}

async function buildGo(req: AppBuildRequest, out: string): Promise<void> {
  const target = nodeGoTarget();
  const result = await run(
    "go",
    ["build", "-trimpath", "-ldflags", "-s -w", "-o", join(out, req.name), "."],
    {
      cwd: req.appDir,
      env: { CGO_ENABLED: "0", GOTOOLCHAIN: "local", GOOS: target.goos, GOARCH: target.goarch },
      signal: req.signal,
      onLine: req.onLine,
      timeoutMs: 5 * 60_000,
      allowFailure: true,
    },
  );
  if (result.exitCode !== 0) {
    const errors = `${result.stderr}${result.stdout}`.trim().split("\n").slice(-8).join("\n");
    throw new UserError(`${req.name} did not compile:\n${errors}`, {
      hint: `The pods keep serving the last build. Fix the code and save again (\`go build ./...\` in ${req.appDir}).`,
    });
  }
}

async function buildNode(req: AppBuildRequest, out: string): Promise<void> {
  const entry = nodeEntryOf(await packageMain(req.appDir));
  const outDir = entry.output.split("/")[0] ?? "dist";
  await rm(join(out, outDir), { recursive: true, force: true });
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [join(req.appDir, entry.source)],
    outfile: join(out, entry.output),
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    logLevel: "silent",
  }).catch((err: unknown) => {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors;
    const lines = (errors ?? []).map(
      (e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ""}${e.text}`,
    );
    throw new UserError(`${req.name} did not compile:\n${lines.join("\n") || String(err)}`, {
      hint: "The pods keep serving the last build. Fix the code and save again.",
    });
  });
  for (const warning of result.warnings) req.onLine?.(`esbuild: ${warning.text}`);
}

/** Staging folders this process already put devrun in: later saves skip even the cache lookup. */
const devrunStaged = new Set<string>();

/** buildDevrun builds (or takes from the cache) devrun for the nodes into staging/bin/devrun. */
export async function buildDevrun(staging: string, signal?: AbortSignal): Promise<void> {
  const target = join(staging, "bin", "devrun");
  if (devrunStaged.has(staging) && existsSync(target)) return;
  const { binary } = await buildLocalGoProgram("devrun", DEVRUN_DIR, { signal }, nodeGoTarget());
  await mkdir(join(staging, "bin"), { recursive: true });
  await copyFile(binary, target);
  devrunStaged.add(staging);
}
