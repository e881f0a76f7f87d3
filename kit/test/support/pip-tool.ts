/**
 * pip-tool installs a Python command-line tool from PyPI at a pinned version into a venv of its
 * own under kit's cache (~/.cache/kit/venvs/<name>-<version>), once. A marker written last tells
 * a complete install from an interrupted one, which is removed and redone. The tests' checkers
 * (checkov, check-jsonschema) come this way: no tool is assumed on the machine but python3.
 */
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run, which } from "../../src/exec/index.ts";
import { cacheDir } from "../../src/paths.ts";

/** PipTool names a PyPI package, its pinned version and the executable it installs. */
export interface PipTool {
  name: string;
  version: string;
  /** The executable in the venv's bin/ (default: name). */
  bin?: string;
  /** Prints the installed version, to adopt a venv made before the marker existed. */
  versionArgs?: string[];
}

/** pipToolVenv is where a pinned tool lives. */
export function pipToolVenv(tool: PipTool, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), "venvs", `${tool.name}-${tool.version}`);
}

/** ensurePipTool installs the tool unless a complete install is there, and returns its executable. */
export async function ensurePipTool(
  tool: PipTool,
  options: { signal?: AbortSignal; onLine?: (line: string) => void } = {},
): Promise<string> {
  const venv = pipToolVenv(tool);
  const executable = join(venv, "bin", tool.bin ?? tool.name);
  const marker = join(venv, ".kit-complete");
  if (existsSync(marker) && existsSync(executable)) return executable;
  if (existsSync(executable) && tool.versionArgs) {
    const probe = await run(executable, tool.versionArgs, { allowFailure: true, timeoutMs: 120_000 });
    if (probe.exitCode === 0 && probe.stdout.includes(tool.version)) {
      await writeFile(marker, `${tool.version}\n`);
      return executable;
    }
  }
  await rm(venv, { recursive: true, force: true });
  const python = (await which("python3")) ?? (await which("python"));
  if (!python)
    throw new Error(`python3 is needed to install ${tool.name} from PyPI; install Python >= 3.10.`);
  const common = { signal: options.signal, onLine: options.onLine, timeoutMs: 20 * 60_000 };
  await run(python, ["-m", "venv", venv], common);
  await run(join(venv, "bin", "pip"), ["install", "--quiet", `${tool.name}==${tool.version}`], {
    ...common,
    hint: "pip must reach PyPI (or the index in PIP_INDEX_URL).",
  });
  await writeFile(marker, `${tool.version}\n`);
  return executable;
}
