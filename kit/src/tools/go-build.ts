/**
 * go-build builds Go programs at pinned versions from the Go module proxy alone, the way kit gets
 * kind, helm, OpenTofu, FerretDB and the Kubernetes components on machines that can reach no
 * release download host. Each build happens in a throwaway module of kit's own (a go.mod that
 * requires the target, replaces what needs replacing, and blank-imports the main packages), so
 * modules whose go.mod uses replace directives (k8s.io/kubernetes, helm) build too.
 *
 * Results are cached under ~/.cache/kit/go-builds/<name>/<version>-<hash>, keyed by every input;
 * a build goes to a temporary directory first and is renamed into place only when complete, so an
 * interrupted build never leaves a half-filled cache entry.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { wrapError } from "../errors.ts";
import { run } from "../exec/index.ts";
import { inputsHash } from "../hash.ts";
import { cacheDir } from "../paths.ts";

/** GoMainPackage names one main package to build and the binary name it becomes. */
export interface GoMainPackage {
  importPath: string;
  binary: string;
}

/** GoBuildSpec is everything that decides what a Go build produces (and so its cache key). */
export interface GoBuildSpec {
  /** Short name for the cache folder and messages, e.g. "helm". */
  name: string;
  /** The module required at `version`, e.g. "helm.sh/helm/v3". */
  module: string;
  version: string;
  packages: GoMainPackage[];
  /** replace directives: module path -> "path@version" or "path version". */
  replaces?: Record<string, string>;
  /** Extra requirements (module -> version), e.g. to pin an indirect dependency. */
  requires?: Record<string, string>;
  ldflags?: string[];
  tags?: string[];
  /** CGO_ENABLED; default "0" (static binaries that run in any image). */
  cgo?: boolean;
  /** GOOS/GOARCH; default the host's. */
  goos?: string;
  goarch?: string;
  /**
   * The Go toolchain the build needs when it is newer than the local one (GOTOOLCHAIN, e.g.
   * "go1.26.3"; the go command fetches it from the module proxy as golang.org/toolchain); default
   * the local toolchain.
   */
  toolchain?: string;
  /** GOEXPERIMENT, for a module that needs one to build (e.g. trivy's "jsonv2"). */
  goexperiment?: string;
}

/** GoBuildResult lists where each built binary is. */
export interface GoBuildResult {
  dir: string;
  binaries: Record<string, string>;
  /** false when the result came from the cache. */
  built: boolean;
}

/**
 * BuildCost is what one build took, written as build.json beside its binaries: wall seconds, and
 * the CPU seconds (user + system) of the go commands and every compiler and linker they ran, so a
 * build's cost can be compared across runs whatever else the machine was doing.
 */
export interface BuildCost {
  seconds: number;
  cpuSeconds?: number;
}

/**
 * TIMED runs "$@" under sh and then prints, with the shell's `times` builtin (POSIX), the CPU time
 * of the shell's waited-for children: the go command and, since go waits for them, its compilers.
 */
export const TIMED = '"$@"; rc=$?; times >&2; exit $rc';
const TIMES_LINE = /^\s*(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s\s*$/;

/** childCpuSeconds reads the children line (the second) of `times` at the end of stderr. */
export function childCpuSeconds(stderr: string): number | undefined {
  const lines = stderr.trimEnd().split("\n").slice(-2);
  const match = lines.length === 2 ? TIMES_LINE.exec(lines[1] ?? "") : null;
  if (!match || !TIMES_LINE.test(lines[0] ?? "")) return undefined;
  const [, um, us, sm, ss] = match.map(Number);
  return Math.round(((um ?? 0) * 60 + (us ?? 0) + (sm ?? 0) * 60 + (ss ?? 0)) * 100) / 100;
}

/** GoBuildOptions are how to run a build, which do not change its result. */
export interface GoBuildOptions {
  go?: string;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** goBuildKey hashes every input of a spec with the Go version that builds it. */
export function goBuildKey(spec: GoBuildSpec, goVersion: string): string {
  return inputsHash({ spec, goVersion, layout: 1 });
}

/** renderGoMod returns the go.mod of the throwaway build module. */
export function renderGoMod(spec: GoBuildSpec, goDirective: string): string {
  const lines = [`module kit.local/build/${spec.name}`, "", `go ${goDirective}`, "", "require ("];
  lines.push(`\t${spec.module} ${spec.version}`);
  for (const [mod, ver] of Object.entries(spec.requires ?? {})) lines.push(`\t${mod} ${ver}`);
  lines.push(")");
  const replaces = Object.entries(spec.replaces ?? {});
  if (replaces.length > 0) {
    lines.push("", "replace (");
    for (const [mod, target] of replaces) lines.push(`\t${mod} => ${target.replace("@", " ")}`);
    lines.push(")");
  }
  return `${lines.join("\n")}\n`;
}

/** renderToolsFile returns the file that blank-imports the main packages so `go mod tidy` keeps them. */
export function renderToolsFile(spec: GoBuildSpec): string {
  const imports = spec.packages.map((p) => `\t_ "${p.importPath}"`).join("\n");
  return `//go:build tools\n\npackage tools\n\nimport (\n${imports}\n)\n`;
}

/** goVersionOf returns the Go toolchain version (e.g. "go1.24.11") of a go binary. */
export async function goVersionOf(go: string, signal?: AbortSignal): Promise<string> {
  const { stdout } = await run(go, ["env", "GOVERSION"], { signal, timeoutMs: 30_000 });
  return stdout.trim();
}

/**
 * buildGoProgram builds spec's packages (or returns them from the cache) and returns the binaries.
 */
export async function buildGoProgram(
  spec: GoBuildSpec,
  options: GoBuildOptions = {},
): Promise<GoBuildResult> {
  const go = options.go ?? "go";
  const env = options.env ?? process.env;
  const goVersion = await goVersionOf(go, options.signal);
  const key = goBuildKey(spec, goVersion);
  const root = join(cacheDir(env), "go-builds", spec.name);
  const dir = join(root, `${spec.version}-${key}`);
  const binaries = Object.fromEntries(spec.packages.map((p) => [p.binary, join(dir, "bin", p.binary)]));
  if (Object.values(binaries).every((b) => existsSync(b))) return { dir, binaries, built: false };

  await mkdir(root, { recursive: true });
  const work = await mkdtemp(join(root, `.tmp-${spec.version}-`));
  const log = (line: string): void => options.onLine?.(line);
  try {
    const src = join(work, "src");
    const out = join(work, "out");
    await mkdir(join(out, "bin"), { recursive: true });
    await mkdir(src, { recursive: true });
    const goDirective = goVersion.replace(/^go/, "").split(".").slice(0, 2).join(".");
    await writeFile(join(src, "go.mod"), renderGoMod(spec, `${goDirective}.0`));
    await writeFile(join(src, "tools.go"), renderToolsFile(spec));
    const buildEnv: Record<string, string> = {
      CGO_ENABLED: spec.cgo ? "1" : "0",
      GOFLAGS: "-mod=mod",
      GOTOOLCHAIN: spec.toolchain ?? "local",
      ...(spec.goexperiment ? { GOEXPERIMENT: spec.goexperiment } : {}),
      ...(spec.goos ? { GOOS: spec.goos } : {}),
      ...(spec.goarch ? { GOARCH: spec.goarch } : {}),
    };
    // `times` lines are for the cost record, not the log.
    const onLine = (line: string) => {
      if (!TIMES_LINE.test(line)) log(line);
    };
    const common = { cwd: src, env: buildEnv, signal: options.signal, onLine };
    const started = Date.now();
    let cpuSeconds: number | undefined = 0;
    const timedGo = async (args: string[], more: { timeoutMs: number; hint: string }) => {
      const result = await run("sh", ["-c", TIMED, "sh", go, ...args], { ...common, ...more });
      const cpu = childCpuSeconds(result.stderr);
      cpuSeconds = cpu === undefined || cpuSeconds === undefined ? undefined : cpuSeconds + cpu;
    };
    const hint = `Check that the Go module proxy answers (GOPROXY=${env.GOPROXY ?? "https://proxy.golang.org"}) and that ${spec.module}@${spec.version} exists.`;
    await timedGo(["mod", "tidy"], { timeoutMs: 20 * 60_000, hint });
    for (const pkg of spec.packages) {
      const args = ["build", "-trimpath", "-o", join(out, "bin", pkg.binary)];
      if (spec.tags?.length) args.push("-tags", spec.tags.join(","));
      args.push("-ldflags", ["-s", "-w", ...(spec.ldflags ?? [])].join(" "));
      args.push(pkg.importPath);
      log(`building ${pkg.binary} from ${pkg.importPath}@${spec.version}`);
      await timedGo(args, {
        timeoutMs: options.timeoutMs ?? 60 * 60_000,
        hint: `The Go build of ${pkg.importPath} failed; the output above names the package. Free memory or disk and retry.`,
      });
    }
    await writeFile(join(out, "inputs.json"), `${JSON.stringify({ spec, goVersion, key }, null, 2)}\n`);
    const cost: BuildCost = {
      seconds: (Date.now() - started) / 1000,
      ...(cpuSeconds === undefined ? {} : { cpuSeconds: Math.round(cpuSeconds * 100) / 100 }),
    };
    await writeFile(join(out, "build.json"), `${JSON.stringify(cost)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(out, dir);
    return { dir, binaries, built: true };
  } catch (err) {
    throw wrapError(err, `building ${spec.name} ${spec.version} from the Go module proxy`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** listCachedBuilds returns the cache entries of one program, newest inputs first (for doctor). */
export async function listCachedBuilds(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const root = join(cacheDir(env), "go-builds", name);
  if (!existsSync(root)) return [];
  return (await readdir(root)).filter((entry) => !entry.startsWith(".tmp-"));
}
