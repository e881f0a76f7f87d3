/**
 * terraform runs Terraform (or OpenTofu) in local mode against the AWS emulator: the real-AWS guard
 * first (fail closed), providers from kit's offline filesystem mirror (TF_CLI_CONFIG_FILE), every
 * AWS provider configuration of the root module aimed at the emulator by a generated override,
 * and an environment stripped of anything that selects real credentials.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { UserError, wrapError } from "../../errors.ts";
import { run } from "../../exec/index.ts";
import { resolveTerraformBinary, type TerraformBinary, type TerraformBinarySetting } from "./binary.ts";
import { assertLocalOnly, localAwsEnv, RealAwsRefused } from "./guard.ts";
import { ensureProviderMirror, type ProviderMirror } from "./mirror.ts";
import { endpointNamesFromSchema, FALLBACK_ENDPOINTS, writeEmulatorOverride } from "./override.ts";

export {
  assertLocalOnly,
  checkConfiguration,
  checkEnvironment,
  localAwsEnv,
  RealAwsRefused,
} from "./guard.ts";
export { ensureProviderMirror } from "./mirror.ts";

/** LocalTerraformOptions say which configuration runs against which emulator. */
export interface LocalTerraformOptions {
  /** The root module directory. */
  dir: string;
  /** The emulator's endpoint reachable from this host. */
  endpoint: string;
  region: string;
  binary?: TerraformBinarySetting;
  /** TF_DATA_DIR (keeps .terraform out of the configuration folder), optional. */
  dataDir?: string;
  /** -var values for plan/apply/destroy. */
  vars?: Record<string, string>;
  /** Extra `init` arguments, e.g. -backend-config=path=... for a local backend. */
  initArgs?: string[];
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

/** LocalTerraform is a prepared local-mode Terraform runner for one configuration. */
export interface LocalTerraform {
  binary: TerraformBinary;
  mirror: ProviderMirror;
  init(): Promise<void>;
  apply(): Promise<void>;
  destroy(): Promise<void>;
  plan(): Promise<void>;
  /** output returns `terraform output -json` values by name. */
  output(): Promise<Record<string, unknown>>;
}

/**
 * localTerraform checks the configuration and environment with the real-AWS guard (throwing
 * RealAwsRefused before anything runs), makes the provider mirror and picks the binary.
 */
export async function localTerraform(options: LocalTerraformOptions): Promise<LocalTerraform> {
  const { dir, endpoint, region, signal, onLine } = options;
  const env: Record<string, string> = localAwsEnv(endpoint, region);
  assertLocalOnly(dir, env, endpoint);
  const mirror = await ensureProviderMirror({ signal, onLine });
  const binary = await resolveTerraformBinary(options.binary ?? "auto", { signal, onLine });
  const runEnv: Record<string, string> = {
    ...env,
    TF_CLI_CONFIG_FILE: mirror.cliConfigFile,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    ...(options.dataDir ? { TF_DATA_DIR: options.dataDir } : {}),
  };
  const common = { cwd: dir, env: runEnv, inheritEnv: false, signal, onLine, timeoutMs: 30 * 60_000 };
  const varArgs = Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["-var", `${k}=${v}`]);
  let endpointNames: string[] | undefined;

  /** tf runs one command; machine-readable output (`-json`) is read, not logged line by line. */
  const tf = async (args: string[], hint: string, options: { quiet?: boolean } = {}): Promise<string> => {
    try {
      const onLineFor = options.quiet ? undefined : common.onLine;
      return (await run(binary.path, args, { ...common, onLine: onLineFor, hint })).stdout;
    } catch (err) {
      throw wrapError(
        err,
        `running ${binary.flavor} ${args[0]} in ${dir} against the emulator at ${endpoint}`,
      );
    }
  };
  /** withOverride runs fn with the emulator override in place, after the guard re-checked everything. */
  const withOverride = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (!endpointNames) {
      // The names depend only on the provider version: read its schema once and keep them beside the mirror.
      const cached = join(dirname(mirror.dir), `endpoint-names-aws-${mirror.awsVersion}.json`);
      const known = await readFile(cached, "utf8")
        .then((text) => JSON.parse(text) as unknown)
        .catch(() => undefined);
      if (Array.isArray(known) && known.length > 0 && known.every((n) => typeof n === "string")) {
        endpointNames = known as string[];
      } else {
        const schema = await tf(
          ["providers", "schema", "-json"],
          "Run init first; the provider must be installed.",
          // One line of some 19 MB: logging it froze the terminal UI (measuring it is quadratic).
          { quiet: true },
        );
        const names = endpointNamesFromSchema(schema);
        endpointNames = names.length > 0 ? names : FALLBACK_ENDPOINTS;
        if (names.length > 0) {
          await writeFile(`${cached}.tmp-${process.pid}`, JSON.stringify(names));
          await rename(`${cached}.tmp-${process.pid}`, cached);
        }
      }
    }
    // Modules installed by init are visible now: check them too.
    assertLocalOnly(dir, env, endpoint);
    const override = await writeEmulatorOverride(dir, endpoint, endpointNames);
    try {
      if (override.findings.length > 0) throw new RealAwsRefused(override.findings);
      return await fn();
    } finally {
      await override.remove();
    }
  };

  return {
    binary,
    mirror,
    async init() {
      await tf(
        ["init", "-input=false", "-no-color", ...(options.initArgs ?? [])],
        `init installs providers from kit's offline mirror (${mirror.dir}); a provider other than hashicorp/aws needs network access.`,
      );
    },
    async plan() {
      await withOverride(() =>
        tf(["plan", "-input=false", "-no-color", ...varArgs], "The emulator may not support a resource."),
      );
    },
    async apply() {
      await withOverride(() =>
        tf(
          ["apply", "-input=false", "-no-color", "-auto-approve", ...varArgs],
          "The emulator may not support a resource; the output names it.",
        ),
      );
    },
    async destroy() {
      await withOverride(() =>
        tf(
          ["destroy", "-input=false", "-no-color", "-auto-approve", ...varArgs],
          "Destroy failed; see the output.",
        ),
      );
    },
    async output() {
      const stdout = await tf(["output", "-json"], "Outputs need an applied state.", { quiet: true });
      const raw = JSON.parse(stdout || "{}") as Record<string, { value: unknown }>;
      return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
    },
  };
}

/** requireLocalEndpoint fails with a user error when no emulator endpoint is known (kit up starts one first). */
export function requireLocalEndpoint(endpoint: string | undefined): string {
  if (!endpoint) {
    throw new UserError("No AWS emulator endpoint is known, so local Terraform cannot run.", {
      hint: "Run `kit up`, which starts the emulator before Terraform.",
    });
  }
  return endpoint;
}
