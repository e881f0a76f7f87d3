/**
 * terraform-local applies the `local` environment's Terraform, the same configuration as dev and
 * prod, to the AWS emulator through kit's local-mode runner (tools/terraform: real-AWS guard first,
 * offline provider mirror, emulator override). State lives in .kit/, never in the repository, and a
 * fresh emulator (moto keeps its state in memory) starts from an empty state. The inputs of each
 * apply are recorded, so an unchanged configuration against the same emulator is not re-applied.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.ts";
import { inputsHash } from "../hash.ts";
import { stateDir } from "../paths.ts";
import type { RunningAwsEmulator } from "../providers/aws/index.ts";
import { OVERRIDE_FILE, PROVIDER_FILE } from "../tools/terraform/override.ts";
import { localTerraform } from "../tools/terraform/terraform.ts";

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
        /\.tf(\.json)?$|\.tfvars$/.test(entry.name) &&
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
  outputs: TerraformOutputs;
}

/** LocalTerraformOptions say what to apply against which emulator. */
export interface LocalTerraformOptions {
  root: string;
  /** The environment folder, relative to root (environments.local.terraformDir). */
  dir: string;
  emulator: RunningAwsEmulator;
  terraformBinary: "auto" | "terraform" | "tofu";
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

/** localTerraformState returns the recorded outputs when nothing changed since the last apply. */
export async function unchangedLocalTerraform(
  options: LocalTerraformOptions,
): Promise<TerraformOutputs | undefined> {
  const record = join(stateDir(options.root), "terraform", "local.applied.json");
  if (!existsSync(record)) return undefined;
  const applied = JSON.parse(await readFile(record, "utf8")) as AppliedRecord;
  const hash = await configurationHash(
    join(options.root, options.dir),
    join(options.root, "terraform", "modules"),
  );
  return applied.hash === hash && applied.emulatorContainerId === options.emulator.containerId
    ? applied.outputs
    : undefined;
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
  const work = join(stateDir(root), "terraform");
  await mkdir(work, { recursive: true });
  const statePath = join(work, "local.tfstate");
  const recordPath = join(work, "local.applied.json");
  const previous = existsSync(recordPath)
    ? (JSON.parse(await readFile(recordPath, "utf8")) as AppliedRecord)
    : undefined;
  if (previous?.emulatorContainerId !== emulator.containerId) {
    onLine?.("the emulator is new (its state is in memory): starting from an empty Terraform state");
    await rm(statePath, { force: true });
    await rm(`${statePath}.backup`, { force: true });
  }
  const terraform = await localTerraform({
    dir,
    endpoint: emulator.endpoint,
    region: emulator.region,
    binary: options.terraformBinary,
    dataDir: join(work, "local.terraform.d"),
    vars: { region: emulator.region },
    initArgs: ["-reconfigure", `-backend-config=path=${statePath}`],
    signal,
    onLine,
  });
  await terraform.init();
  await terraform.apply();
  const outputs = await terraform.output();
  const hash = await configurationHash(dir, join(root, "terraform", "modules"));
  const record: AppliedRecord = { hash, emulatorContainerId: emulator.containerId, outputs };
  await writeFile(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  return outputs;
}
