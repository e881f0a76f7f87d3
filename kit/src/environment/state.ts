/**
 * state is where a local environment keeps what kit knows about it: one folder per environment
 * name under kit's cache (`~/.cache/kit/envs/<name>/`), shared by every checkout that names that
 * environment. It holds the lock, the Terraform state and its applied record, the release records,
 * the endpoints, the kubeconfig, and a record of the checkouts that brought the environment up.
 * Earlier versions of kit kept the Terraform state and release records in each checkout's .kit/;
 * they are moved here once.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeJsonAtomic } from "../atomic-file.ts";
import { cacheDir, environmentDir, stateDir } from "../paths.ts";
import { EnvironmentLock, type LockSystem, SYSTEM } from "./lock.ts";

/** LocalEnvironment is one environment's identity and the places its state lives. */
export interface LocalEnvironment {
  name: string;
  /** The environment's folder: `<cache>/envs/<name>`. */
  dir: string;
  lock: EnvironmentLock;
  /** Terraform's state, working folder and the record of the last apply. */
  terraformDir: string;
  /** The release record of every app (what each Helm release was installed from). */
  releasesFile: string;
  /** The plan outputs of the last `kit up` (URLs, kube context, database URLs). */
  endpointsFile: string;
  /** Which project and checkouts brought the environment up, and when. */
  recordFile: string;
}

/** openLocalEnvironment names an environment's places without touching anything. */
export function openLocalEnvironment(
  name: string,
  who: { command: string; checkout: string },
  options: { env?: NodeJS.ProcessEnv; system?: LockSystem } = {},
): LocalEnvironment {
  const dir = environmentDir(name, options.env);
  return {
    name,
    dir,
    lock: new EnvironmentLock(join(dir, "lock"), who, options.system ?? SYSTEM),
    terraformDir: join(dir, "terraform"),
    releasesFile: join(dir, "releases.json"),
    endpointsFile: join(dir, "endpoints.json"),
    recordFile: join(dir, "environment.json"),
  };
}

/** EnvironmentRecord is environment.json: whose environment this is and who used it. */
export interface EnvironmentRecord {
  name: string;
  project: string;
  /** Checkout path -> ISO time of its last `kit up` of this environment. */
  checkouts: Record<string, string>;
}

/** PreparedEnvironment is what preparing found: other checkouts sharing it, state moved in. */
export interface PreparedEnvironment {
  /** Other checkouts that brought this environment up, newest first. */
  sharedWith: { checkout: string; lastUp: string }[];
  /** Files moved from this checkout's .kit/ (where earlier versions of kit kept them). */
  migrated: string[];
  /** The project recorded for this environment when it differs from this one's. */
  otherProject?: string;
}

async function readRecord(file: string): Promise<EnvironmentRecord | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as EnvironmentRecord;
  } catch {
    return undefined;
  }
}

/**
 * LEGACY_STATE lists what kit kept per checkout before environments had their own folder, and
 * where each goes in the environment's folder.
 */
const LEGACY_STATE: { from: string; to: (env: LocalEnvironment) => string }[] = [
  { from: join("terraform", "local.tfstate"), to: (env) => join(env.terraformDir, "local.tfstate") },
  {
    from: join("terraform", "local.tfstate.backup"),
    to: (env) => join(env.terraformDir, "local.tfstate.backup"),
  },
  {
    from: join("terraform", "local.applied.json"),
    to: (env) => join(env.terraformDir, "local.applied.json"),
  },
  { from: "releases.json", to: (env) => env.releasesFile },
];

/**
 * migrateCheckoutState moves a checkout's old state (.kit/terraform, .kit/releases.json) into
 * the environment it belonged to: the one named after the project. The environment's own state
 * wins when both exist; the checkout's copy is then moved aside (.kit/superseded/), never deleted.
 */
export async function migrateCheckoutState(env: LocalEnvironment, root: string): Promise<string[]> {
  const moved: string[] = [];
  const legacy = stateDir(root);
  for (const item of LEGACY_STATE) {
    const from = join(legacy, item.from);
    if (!existsSync(from)) continue;
    const to = existsSync(item.to(env)) ? join(legacy, "superseded", item.from) : item.to(env);
    await mkdir(join(to, ".."), { recursive: true });
    await rename(from, to);
    moved.push(`.kit/${item.from} -> ${to}`);
  }
  // Terraform's working folder is rebuilt by init; the old one only takes room.
  await rm(join(legacy, "terraform", "local.terraform.d"), { recursive: true, force: true });
  return moved;
}

/**
 * prepareEnvironment runs once the lock is held: it moves a checkout's old state in (for the
 * environment named after the project), records this checkout, and says who else uses it.
 */
export async function prepareEnvironment(
  env: LocalEnvironment,
  options: { root: string; project: string; now?: Date; env?: NodeJS.ProcessEnv },
): Promise<PreparedEnvironment> {
  await mkdir(env.dir, { recursive: true });
  const migrated = env.name === options.project ? await migrateCheckoutState(env, options.root) : [];
  // Earlier versions kept the kind cluster's kubeconfig in <cache>/kind/<name>/.
  const oldKind = join(cacheDir(options.env), "kind", env.name);
  const kubeconfig = join(env.dir, "kubeconfig");
  if (existsSync(join(oldKind, "kubeconfig")) && !existsSync(kubeconfig)) {
    await rename(join(oldKind, "kubeconfig"), kubeconfig);
    migrated.push(`${join(oldKind, "kubeconfig")} -> ${kubeconfig}`);
  }
  await rm(oldKind, { recursive: true, force: true });
  const record = (await readRecord(env.recordFile)) ?? {
    name: env.name,
    project: options.project,
    checkouts: {},
  };
  const sharedWith = Object.entries(record.checkouts)
    .filter(([checkout]) => checkout !== options.root)
    .map(([checkout, lastUp]) => ({ checkout, lastUp }))
    .sort((a, b) => b.lastUp.localeCompare(a.lastUp));
  const otherProject = record.project !== options.project ? record.project : undefined;
  record.project = options.project;
  record.checkouts[options.root] = (options.now ?? new Date()).toISOString();
  await writeJsonAtomic(env.recordFile, record);
  return { sharedWith, migrated, otherProject };
}

/**
 * forgetEnvironmentState removes everything kit kept about the environment except its lock (held
 * by the caller, `kit down`); releasing the lock then removes the emptied folder.
 */
export async function forgetEnvironmentState(env: LocalEnvironment): Promise<void> {
  if (!existsSync(env.dir)) return;
  for (const entry of await readdir(env.dir)) {
    if (entry === "lock") continue;
    await rm(join(env.dir, entry), { recursive: true, force: true });
  }
}
