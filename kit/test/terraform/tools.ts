/**
 * tools gives the Terraform and chart checks what they run: a terraform (or tofu) binary, the
 * offline AWS provider mirror kit builds from the Go module proxy, and checkov installed from PyPI
 * at a pinned version into a venv under kit's cache.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../../src/exec/index.ts";
import { resolveTerraformBinary } from "../../src/tools/terraform/binary.ts";
import { ensureProviderMirror } from "../../src/tools/terraform/mirror.ts";
import { ensurePipTool, type PipTool, pipToolVenv } from "../support/pip-tool.ts";

/** REPO_ROOT is the repository checkout the tests run in. */
export const REPO_ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

/** TERRAFORM_DIR holds the modules and environments. */
export const TERRAFORM_DIR = join(REPO_ROOT, "terraform");

/**
 * MODULES are every Terraform module: each must have tests/*.tftest.hcl (a module without them
 * fails here, so none is left out of `npm test`).
 */
export const MODULES: string[] = readdirSync(join(TERRAFORM_DIR, "modules"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => {
    if (!existsSync(join(TERRAFORM_DIR, "modules", entry.name, "tests")))
      throw new Error(`terraform/modules/${entry.name} has no tests/ folder: add its terraform test`);
    return entry.name;
  })
  .sort();

/** ENVIRONMENTS are the root configurations. */
export const ENVIRONMENTS = ["local", "dev", "prod", "bootstrap", "testapp"] as const;

/** CHECKOV_VERSION pins checkov (PyPI); part of the venv's path, so a bump installs afresh. */
export const CHECKOV_VERSION = "3.3.30";

/**
 * terraformBinary returns the Terraform-compatible CLI kit itself would run (terraform on PATH or in
 * kit's bin directory, else OpenTofu, built from the Go module proxy when missing).
 */
export async function terraformBinary(onLine?: (line: string) => void): Promise<string> {
  return (await resolveTerraformBinary("auto", { onLine })).path;
}

/**
 * terraformEnv returns the environment that makes `init` install hashicorp/aws from kit's offline
 * mirror (building the provider first if needed, which takes a long time once).
 */
export async function terraformEnv(onLine?: (line: string) => void): Promise<Record<string, string>> {
  const mirror = await ensureProviderMirror({ onLine });
  return {
    TF_CLI_CONFIG_FILE: mirror.cliConfigFile,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    TF_PLUGIN_CACHE_DIR: "",
  };
}

const CHECKOV: PipTool = { name: "checkov", version: CHECKOV_VERSION, versionArgs: ["--version"] };

/** checkovVenv is where the pinned checkov lives. */
export function checkovVenv(env: NodeJS.ProcessEnv = process.env): string {
  return pipToolVenv(CHECKOV, env);
}

/** ensureCheckov installs the pinned checkov from PyPI (once) and returns its executable. */
export function ensureCheckov(
  options: { signal?: AbortSignal; onLine?: (line: string) => void } = {},
): Promise<string> {
  return ensurePipTool(CHECKOV, options);
}

/** CheckovFailure is one failed check in checkov's JSON report. */
export interface CheckovFailure {
  check_id: string;
  check_name: string;
  file_path: string;
  resource: string;
  severity: string | null;
}

/** CheckovSummary counts a scan's results. */
export interface CheckovSummary {
  passed: number;
  failed: number;
  skipped: number;
  failures: CheckovFailure[];
}

/** runCheckov runs checkov with args and the JSON output, and returns the failures over all frameworks. */
export async function runCheckov(args: string[], cwd: string): Promise<CheckovSummary> {
  const checkov = await ensureCheckov();
  const result = await run(checkov, [...args, "--output", "json", "--quiet", "--skip-download"], {
    cwd,
    allowFailure: true,
    timeoutMs: 15 * 60_000,
    env: { BC_SKIP_MAPPING: "TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: "false" },
  });
  const parsed: unknown = JSON.parse(result.stdout.slice(result.stdout.search(/[[{]/)));
  const reports = (Array.isArray(parsed) ? parsed : [parsed]) as Array<{
    summary?: { passed: number; failed: number; skipped: number };
    results?: { failed_checks?: CheckovFailure[] };
  }>;
  const summary: CheckovSummary = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const report of reports) {
    summary.passed += report.summary?.passed ?? 0;
    summary.failed += report.summary?.failed ?? 0;
    summary.skipped += report.summary?.skipped ?? 0;
    summary.failures.push(...(report.results?.failed_checks ?? []));
  }
  return summary;
}

/** describeFailures formats checkov failures for an assertion message. */
export function describeFailures(failures: CheckovFailure[]): string {
  return failures.map((f) => `${f.check_id} ${f.check_name}: ${f.resource} (${f.file_path})`).join("\n");
}
