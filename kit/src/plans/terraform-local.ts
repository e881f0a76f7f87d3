/**
 * terraform-local applies the `local` environment's Terraform, the same configuration as dev and
 * prod, to the AWS emulator through kit's sandboxed runner (tools/terraform: real-AWS guard first,
 * then a container on an internal network shared only with the emulator, offline provider mirror,
 * emulator override). State lives with the environment (its folder under kit's cache, shared by
 * every checkout that names it), never in the repository, and an emulator that started afresh
 * (moto keeps its state in memory) starts from an empty state. The inputs of each apply are
 * recorded, so an unchanged configuration against the same running emulator is not re-applied.
 * When the emulator already holds resources the state does not list (an apply killed between
 * creating them and writing the state, or a lost state), kit resets the emulator and applies from
 * empty, and says so.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join, sep } from "node:path";
import { writeJsonAtomic } from "../atomic-file.ts";
import { UserError } from "../errors.ts";
import { inputsHash } from "../hash.ts";
import type { RunningAwsEmulator } from "../providers/aws/index.ts";
import { OVERRIDE_FILE, PROVIDER_FILE } from "../tools/terraform/override.ts";
import { sandboxedTerraform } from "../tools/terraform/terraform.ts";

/** TerraformOutputs are `terraform output -json` values, by name. */
export type TerraformOutputs = Record<string, unknown>;

async function configurationHash(dir: string, modulesDir: string): Promise<string> {
  const files: Record<string, string> = {};
  const add = async (folder: string, prefix: string): Promise<void> => {
    if (!existsSync(folder)) return;
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith(".")) await add(path, `${prefix}${entry.name}/`);
      else if (
        entry.isFile() &&
        /\.(tf|tofu)(\.json)?$|\.tfvars(\.json)?$/.test(entry.name) &&
        entry.name !== OVERRIDE_FILE &&
        entry.name !== PROVIDER_FILE
      ) {
        files[`${prefix}${entry.name}`] = await readFile(path, "utf8");
      }
    }
  };
  await add(dir, "env/");
  await add(modulesDir, "modules/");
  return inputsHash(files);
}

interface AppliedRecord {
  hash: string;
  emulatorContainerId: string;
  /** When the emulator container last started (its in-memory state began then); absent in old records. */
  emulatorStartedAt?: string;
  outputs: TerraformOutputs;
}

/** isSameEmulatorRun says whether a record was written against this run of the emulator (its memory). */
function isSameEmulatorRun(record: AppliedRecord | undefined, emulator: RunningAwsEmulator): boolean {
  if (record?.emulatorContainerId !== emulator.containerId) return false;
  return record.emulatorStartedAt === undefined || record.emulatorStartedAt === emulator.startedAt;
}

/**
 * ORPHAN_PATTERNS are the AWS errors of a create that finds its resource already there. moto and
 * LocalStack answer with the error codes AWS uses.
 */
const ORPHAN_PATTERNS = [
  /AlreadyExists/i,
  /already exists/i,
  /BucketAlreadyOwnedByYou/,
  /ResourceInUseException/,
  /InvalidGroup\.Duplicate/,
];

/** orphanedResourceErrors returns the lines of a failed apply's output that report a resource already there. */
export function orphanedResourceErrors(lines: readonly string[]): string[] {
  return lines.filter((line) => ORPHAN_PATTERNS.some((p) => p.test(line)));
}

/** LocalTerraformOptions say what to apply against which emulator. */
export interface LocalTerraformOptions {
  root: string;
  /** The environment's name: names the Terraform sandbox's network and container. */
  project: string;
  /** The environment folder, relative to root (environments.local.terraformDir). */
  dir: string;
  /** The environment's Terraform folder (state, working files, applied record). */
  stateDir: string;
  emulator: RunningAwsEmulator;
  terraformBinary: "auto" | "terraform" | "tofu";
  /** Variables of the user's shell passed into the sandbox (terraform.passEnv). */
  passEnv?: readonly string[];
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

/** unchangedLocalTerraform returns the recorded outputs when nothing changed since the last apply. */
export async function unchangedLocalTerraform(
  options: LocalTerraformOptions,
): Promise<TerraformOutputs | undefined> {
  const record = join(options.stateDir, "local.applied.json");
  if (!existsSync(record)) return undefined;
  const applied = JSON.parse(await readFile(record, "utf8")) as AppliedRecord;
  const hash = await configurationHash(
    join(options.root, options.dir),
    join(options.root, "terraform", "modules"),
  );
  return applied.hash === hash && isSameEmulatorRun(applied, options.emulator) ? applied.outputs : undefined;
}

/** applyLocalTerraform inits offline, applies and returns the outputs. */
export async function applyLocalTerraform(options: LocalTerraformOptions): Promise<TerraformOutputs> {
  const { root, emulator, signal, onLine } = options;
  const dir = join(root, options.dir);
  if (!existsSync(dir)) {
    throw new UserError(`The local environment's Terraform folder ${options.dir} does not exist.`, {
      hint: "Fix environments.local.terraformDir in kit.config.yaml.",
    });
  }
  const work = options.stateDir;
  await mkdir(work, { recursive: true });
  const statePath = join(work, "local.tfstate");
  const recordPath = join(work, "local.applied.json");
  const previous = existsSync(recordPath)
    ? (JSON.parse(await readFile(recordPath, "utf8")) as AppliedRecord)
    : undefined;
  const forgetState = async (): Promise<void> => {
    await rm(statePath, { force: true });
    await rm(`${statePath}.backup`, { force: true });
  };
  if (previous && !isSameEmulatorRun(previous, emulator)) {
    onLine?.("the emulator started afresh (its state is in memory): starting from an empty Terraform state");
    await forgetState();
  } else if (!previous && existsSync(statePath)) {
    // A state with no record of its emulator may describe an emulator long gone; the apply says.
    onLine?.("no record of which emulator this Terraform state was applied to: applying with it");
  }
  const seen: string[] = [];
  // The sandbox mounts the environment's top folder (terraform/), so ../../modules resolve as in the repository.
  const configRoot = join(root, options.dir.split(/[\\/]/)[0] ?? options.dir);
  const terraform = await sandboxedTerraform({
    project: options.project,
    configRoot,
    moduleDir: dir.slice(configRoot.length + sep.length),
    emulator,
    stateFile: statePath,
    // Not the host-run era's local.terraform.d: its provider links point at host paths.
    dataDir: join(work, "local.sandbox.terraform.d"),
    vars: { region: emulator.region },
    binary: options.terraformBinary,
    passEnv: options.passEnv,
    signal,
    onLine: (line) => {
      seen.push(line);
      onLine?.(line);
    },
  });
  let outputs: TerraformOutputs;
  try {
    await terraform.init();
    try {
      await terraform.apply();
    } catch (err) {
      const orphans = orphanedResourceErrors(seen);
      if (orphans.length === 0 || signal?.aborted) throw err;
      onLine?.(
        `the emulator already holds ${orphans.length} resource(s) this environment's Terraform state does not list (an apply stopped before it wrote the state, or the state was lost): resetting the emulator (${emulator.provider}: ${emulator.resetEndpoint}), running its init hooks again, and applying from an empty state`,
      );
      await rm(recordPath, { force: true });
      await emulator.reset({ signal, onLine });
      await forgetState();
      await terraform.init();
      await terraform.apply();
      onLine?.("recovered: the emulator was reset and the configuration applied from an empty state");
    }
    outputs = await terraform.output();
  } finally {
    await terraform.close();
  }
  const hash = await configurationHash(dir, join(root, "terraform", "modules"));
  const record: AppliedRecord = {
    hash,
    emulatorContainerId: emulator.containerId,
    emulatorStartedAt: emulator.startedAt,
    outputs,
  };
  await writeJsonAtomic(recordPath, record);
  return outputs;
}
