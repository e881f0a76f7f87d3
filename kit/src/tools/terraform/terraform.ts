/**
 * terraform runs Terraform (or OpenTofu) in local mode against the AWS emulator, inside kit's
 * sandbox (sandbox.ts): the real-AWS guard first (fail closed), then one container on an internal
 * network shared only with the emulator, the configuration copied from a read-only mount, providers
 * from kit's offline mirror, every AWS provider configuration aimed at the emulator by a generated
 * override, and an environment built from nothing. `kit up` and `kit promote` both use it.
 */

import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { writeJsonAtomic } from "../../atomic-file.ts";
import { CancelledError, UserError, wrapError } from "../../errors.ts";
import { ensureBaseImage } from "../../images/base.ts";
import {
  assertRunsInSandbox,
  resolveTerraformBinary,
  type TerraformBinary,
  type TerraformBinarySetting,
} from "./binary.ts";
import type { LoadedConfiguration } from "./configuration.ts";
import { loadConfiguration } from "./configuration.ts";
import { renderGapOverrides } from "./emulator-gaps.ts";
import { assertLocalOnly, RealAwsRefused } from "./guard.ts";
import {
  CLI_CONFIG,
  MOUNT,
  type SandboxedEmulator,
  SCRATCH_CONFIG,
  sandboxCliConfig,
  sandboxEndpoint,
  sandboxEnv,
} from "./layout.ts";
import { ensureProviderMirror } from "./mirror.ts";
import {
  checkOverridden,
  type EmulatorFiles,
  endpointNamesFromSchema,
  FALLBACK_ENDPOINTS,
  renderEmulatorFiles,
} from "./override.ts";
import type { TerraformPlanJson } from "./plan-json.ts";
import { ensureSandboxNetwork, type Sandbox, type SandboxMount, startSandbox } from "./sandbox.ts";

export {
  assertLocalOnly,
  checkConfiguration,
  checkEnvironment,
  localAwsEnv,
  RealAwsRefused,
} from "./guard.ts";
export { type SandboxedEmulator, sandboxCliConfig, sandboxEndpoint, sandboxEnv } from "./layout.ts";
export { ensureProviderMirror } from "./mirror.ts";
export type { TerraformPlanJson } from "./plan-json.ts";
export { removeTerraformSandboxes } from "./sandbox.ts";

/** SandboxedTerraformOptions say which configuration runs against which emulator, with which state. */
export interface SandboxedTerraformOptions {
  /** kit project: names and labels the sandbox network and container. */
  project: string;
  /** Folder holding the root module and every module it references by relative path (mounted read-only). */
  configRoot: string;
  /** The root module, relative to configRoot (e.g. environments/local). */
  moduleDir: string;
  emulator: SandboxedEmulator;
  /** The local state file (its folder is mounted writable). */
  stateFile: string;
  /** TF_DATA_DIR on the host (mounted writable); saved plans go to its plans/ unless told otherwise. */
  dataDir: string;
  /** -var values for plan/apply/destroy. */
  vars?: Record<string, string>;
  /** -var-file paths, relative to the root module. */
  varFiles?: string[];
  binary?: TerraformBinarySetting;
  /** Names of variables from env passed into the sandbox (terraform.passEnv in kit.config.yaml). */
  passEnv?: readonly string[];
  /** Where passEnv values come from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Replace the configuration's backend with backend "local" at stateFile (e.g. an AWS environment's root). */
  localBackend?: boolean;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  /** For tests that prove the sandbox alone holds: skips the static guard. Never set it elsewhere. */
  unsafeSkipGuard?: boolean;
}

/** SandboxedTerraform is a started sandbox for one root module; close() removes it. */
export interface SandboxedTerraform {
  binary: TerraformBinary;
  /** The sandbox container's name. */
  container: string;
  init(): Promise<void>;
  /** plan saves a plan (to out, default <dataDir>/plans/plan-<time>.tfplan) and returns its path. */
  plan(options?: { out?: string; destroy?: boolean }): Promise<string>;
  /** showPlan returns `show -json` of a saved plan. */
  showPlan(file: string): Promise<TerraformPlanJson>;
  /** apply applies exactly the saved plan when given one, else plans and applies with -auto-approve. */
  apply(planFile?: string): Promise<void>;
  destroy(): Promise<void>;
  /** output returns `terraform output -json` values by name. */
  output(): Promise<Record<string, unknown>>;
  /**
   * runScript runs one of the configuration's own scripts (a path relative to the root module, e.g.
   * a pipeline's drift check) in the sandbox, in the root module's folder, after init, with
   * TERRAFORM naming the sandbox's binary and env added. It returns the exit code and output
   * rather than throwing: the code is the script's answer.
   */
  runScript(
    script: string,
    args: string[],
    env?: Record<string, string>,
  ): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** close removes the sandbox container (the network stays for the next run; `kit down` removes it). */
  close(): Promise<void>;
}

function heredocScript(files: EmulatorFiles, dir: string): string {
  return Object.entries(files)
    .map(([name, text], i) => `cat > '${dir}/${name}' <<'KIT_EOF_${i}'\n${text}KIT_EOF_${i}\n`)
    .join("");
}

/**
 * sandboxedTerraform checks the configuration and environment with the guard (throwing
 * RealAwsRefused before anything runs), makes the mirror, picks the binary and starts the sandbox.
 */
export async function sandboxedTerraform(options: SandboxedTerraformOptions): Promise<SandboxedTerraform> {
  const { emulator, signal, onLine } = options;
  const configRoot = resolve(options.configRoot);
  const rootDir = resolve(configRoot, options.moduleDir);
  const endpoint = sandboxEndpoint(emulator);
  const endpoints = [endpoint, emulator.endpoint];
  const env = sandboxEnv(options);
  const dataDir = resolve(options.dataDir);
  const stateDir = dirname(resolve(options.stateFile));
  const guard = (): LoadedConfiguration => {
    if (options.unsafeSkipGuard) return loadConfiguration(rootDir, { dataDir, sandboxDataDir: MOUNT.data });
    return assertLocalOnly({
      rootDir,
      env,
      endpoints,
      dataDir,
      sandboxDataDir: MOUNT.data,
      varFiles: options.varFiles,
      replacesBackend: options.localBackend,
    });
  };
  if (/['\n\\]/.test(relative(configRoot, rootDir)) || relative(configRoot, rootDir).startsWith("..")) {
    throw new UserError(`The root module ${options.moduleDir} must be a plain folder under ${configRoot}.`, {
      hint: "Use a path without quotes or backslashes, inside the configuration folder.",
    });
  }
  if (!existsSync(rootDir)) {
    throw new UserError(`The Terraform root module ${rootDir} does not exist.`, {
      hint: "Check the environment's terraformDir in kit.config.yaml.",
    });
  }
  let config = guard();
  for (const mod of config.modules) {
    if (relative(configRoot, mod.dir).startsWith("..")) {
      throw new UserError(
        `The module ${mod.dir} is outside ${configRoot}, the folder kit mounts into the Terraform sandbox.`,
        {
          hint: "Keep the root module and the modules it uses under one folder (the project's terraform/).",
        },
      );
    }
  }
  const backendKind = config.modules
    .find((m) => m.root)
    ?.blocks.find((b) => b.type === "terraform" && b.blocks.some((x) => x.type === "backend"))
    ?.blocks.find((x) => x.type === "backend")?.labels[0];
  // State must land in the mounted folder: anything but an S3 backend at the emulator gets backend "local".
  const localBackend = options.localBackend === true || backendKind !== "s3";

  const mirror = await ensureProviderMirror({ signal, onLine });
  const binary = await resolveTerraformBinary(options.binary ?? "auto", { signal, onLine });
  const binaryPath = await realpath(binary.path);
  await assertRunsInSandbox(binaryPath);
  const image = await ensureBaseImage(undefined, { signal, onLine });
  await mkdir(dataDir, { recursive: true });
  await mkdir(stateDir, { recursive: true });
  const mounts: SandboxMount[] = [
    { host: configRoot, container: MOUNT.config, readOnly: true },
    { host: mirror.dir, container: MOUNT.mirror, readOnly: true },
    { host: binaryPath, container: `${MOUNT.bin}/${binary.flavor}`, readOnly: true },
    { host: stateDir, container: MOUNT.state, readOnly: false },
    { host: dataDir, container: MOUNT.data, readOnly: false },
  ];
  const network = await ensureSandboxNetwork(options.project, signal);
  const user = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
  const sandbox: Sandbox = await startSandbox(
    { project: options.project, image: image.ref, network, mounts, user },
    emulator.containerName,
    signal,
  );
  const workdir = join(SCRATCH_CONFIG, relative(configRoot, rootDir));
  const tfPath = `${MOUNT.bin}/${binary.flavor}`;

  const tf = async (args: string[], hint: string, quiet = false): Promise<string> => {
    try {
      const result = await sandbox.exec([tfPath, ...args], {
        env,
        workdir,
        signal,
        hint,
        onLine: quiet ? undefined : onLine,
      });
      return result.stdout;
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      throw wrapError(
        err,
        `running ${binary.flavor} ${args[0]} in ${options.moduleDir} (sandbox ${sandbox.name}) against the emulator`,
      );
    }
  };
  const shell = (script: string): Promise<unknown> =>
    sandbox.exec(["/bin/sh", "-c", `set -e\n${script}`], {
      env,
      signal,
      hint: "Preparing the Terraform sandbox failed.",
    });

  // Names of the provider's endpoints depend only on its version: read its schema once, keep them beside the mirror.
  const namesCache = join(dirname(mirror.dir), `endpoint-names-aws-${mirror.awsVersion}.json`);
  const cachedNames = await readFile(namesCache, "utf8")
    .then((t) => JSON.parse(t) as unknown)
    .catch(() => undefined);
  let endpointNames =
    Array.isArray(cachedNames) && cachedNames.length > 0 ? (cachedNames as string[]) : undefined;
  const writeEmulatorFiles = async (): Promise<void> => {
    const files = {
      ...renderEmulatorFiles(config, endpoint, endpointNames ?? FALLBACK_ENDPOINTS, { localBackend }),
      // Where the emulator does not keep an attribute as AWS does, the sandbox's copy ignores it.
      ...renderGapOverrides(config, rootDir, configRoot),
    };
    const uncovered = checkOverridden(config, files, endpoint);
    if (uncovered.length > 0 && !options.unsafeSkipGuard) throw new RealAwsRefused(uncovered);
    await shell(heredocScript(files, workdir));
  };

  const planPath = async (file: string): Promise<{ host: string; sandbox: string }> => {
    const host = resolve(file);
    for (const [folder, mount] of [
      [dataDir, MOUNT.data],
      [stateDir, MOUNT.state],
    ] as const) {
      const rel = relative(folder, host);
      if (!rel.startsWith("..")) return { host, sandbox: `${mount}/${rel}` };
    }
    // Elsewhere on the host: the sandbox works on a copy in the data folder's plans/.
    const copy = join(dataDir, "plans", basename(host));
    return { host: copy, sandbox: `${MOUNT.data}/plans/${basename(host)}` };
  };
  const varArgs = [
    ...(options.varFiles ?? []).map((f) => `-var-file=${f}`),
    ...Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["-var", `${k}=${v}`]),
  ];
  const checked = async (): Promise<void> => {
    config = guard();
  };

  try {
    await shell(
      [
        `mkdir -p ${SCRATCH_CONFIG}`,
        `tar -C ${MOUNT.config} --exclude=.terraform -cf - . | tar -C ${SCRATCH_CONFIG} -xf -`,
        `cat > ${CLI_CONFIG} <<'KIT_EOF'\n${sandboxCliConfig()}KIT_EOF`,
      ].join("\n"),
    );
  } catch (err) {
    await sandbox.close();
    throw err;
  }

  return {
    binary,
    container: sandbox.name,
    async init() {
      await writeEmulatorFiles();
      const backendArgs = localBackend
        ? [`-backend-config=path=${MOUNT.state}/${basename(options.stateFile)}`]
        : [];
      await tf(
        ["init", "-input=false", "-no-color", "-reconfigure", ...backendArgs],
        `init installs hashicorp/aws from kit's offline mirror (${mirror.dir}); in the sandbox nothing else can be downloaded (other providers, remote modules).`,
      );
      // Modules init installed are visible now: check them too.
      await checked();
      if (!endpointNames) {
        const schema = await tf(
          ["providers", "schema", "-json"],
          "Run init first; the provider must be installed.",
          true,
        );
        const names = endpointNamesFromSchema(schema);
        if (names.length > 0) {
          endpointNames = names;
          await writeJsonAtomic(namesCache, names, { compact: true });
        }
      }
      await writeEmulatorFiles();
    },
    async plan(planOptions = {}) {
      await checked();
      const out = planOptions.out ?? join(dataDir, "plans", `plan-${Date.now()}.tfplan`);
      const target = await planPath(out);
      await mkdir(dirname(target.host), { recursive: true });
      await tf(
        [
          "plan",
          "-input=false",
          "-no-color",
          `-out=${target.sandbox}`,
          ...(planOptions.destroy ? ["-destroy"] : []),
          ...varArgs,
        ],
        "The emulator may not support a resource.",
      );
      if (target.host !== resolve(out)) {
        await mkdir(dirname(resolve(out)), { recursive: true });
        await copyFile(target.host, resolve(out));
      }
      return resolve(out);
    },
    async showPlan(file) {
      const target = await planPath(file);
      if (target.host !== resolve(file)) {
        await mkdir(dirname(target.host), { recursive: true });
        await copyFile(resolve(file), target.host);
      }
      return JSON.parse(
        await tf(
          ["show", "-json", "-no-color", target.sandbox],
          "Is it a plan file of this configuration?",
          true,
        ),
      ) as TerraformPlanJson;
    },
    async apply(planFile) {
      await checked();
      if (planFile) {
        const target = await planPath(planFile);
        if (target.host !== resolve(planFile)) await copyFile(resolve(planFile), target.host);
        await tf(
          ["apply", "-input=false", "-no-color", target.sandbox],
          "The saved plan may be stale (the state changed since it was made); plan again.",
        );
        return;
      }
      await tf(
        ["apply", "-input=false", "-no-color", "-auto-approve", ...varArgs],
        "The emulator may not support a resource; the output names it.",
      );
    },
    async destroy() {
      await checked();
      await tf(
        ["destroy", "-input=false", "-no-color", "-auto-approve", ...varArgs],
        "Destroy failed; see the output.",
      );
    },
    async output() {
      const stdout = await tf(["output", "-json", "-no-color"], "Outputs need an applied state.", true);
      const raw = JSON.parse(stdout || "{}") as Record<string, { value: unknown }>;
      return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
    },
    async runScript(script, args, extraEnv = {}) {
      await checked();
      if (isAbsolute(script) || script.split("/").includes("..") || /['\n\\]/.test(script)) {
        throw new UserError(`The script ${script} must be a plain path inside ${options.moduleDir}.`, {
          hint: "Name it relative to the root module, e.g. scripts/drift-check.sh.",
        });
      }
      const result = await sandbox.exec([`${workdir}/${script}`, ...args], {
        env: { ...env, ...extraEnv, TERRAFORM: tfPath },
        workdir,
        signal,
        hint: `${script} is the configuration's own script; its output says what failed.`,
        onLine,
        allowFailure: true,
      });
      return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    },
    close: () => sandbox.close(),
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
