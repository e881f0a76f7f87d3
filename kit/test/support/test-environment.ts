/**
 * test-environment gives an integration test a kit environment of its own, so running the tests
 * never touches the user's environment (the one named after the project, on the default ports):
 *
 * - its own checkout: a copy of the repository's project files in a temporary folder (kit's code
 *   is linked, not copied), so kit's per-checkout files (.kit/) and any source a
 *   test edits are the test's, not the user's;
 * - its own name (`kt-<label>-<pid>`): containers, volumes, kind cluster, registry, namespace and
 *   the state folder under ~/.cache/kit/envs/ all carry it;
 * - its own host ports: every default port shifted by an offset whose ports are free now.
 *
 * It selects the environment the way a user would (KIT_ENV_NAME and KIT_PORT_OFFSET), and
 * dispose() runs `kit down --volumes` for it and deletes the copy: only what the test made goes.
 */
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { RunResult } from "../../src/exec/index.ts";
import { run } from "../../src/exec/index.ts";
import { environmentDir } from "../../src/paths.ts";
import { environmentNames } from "../../src/plans/names.ts";
import { type KitRunOptions, REPO_ROOT, runKit, SELECTION_VARIABLES } from "./cli.ts";

/** DEFAULT_PORTS are the repository's kit.config.yaml ports, which belong to the user's environment. */
export const DEFAULT_PORTS = {
  registry: 5001,
  aws: 4566,
  database: 27017,
  postgres: 5432,
  // Helm apps and container apps alike (kit.config.yaml apps and containers).
  apps: { "go-app": 30080, "node-app": 30081, "data-api": 30082, "pmp-api": 30083 } as Record<string, number>,
};

/** The project files a checkout needs for kit up/down/rollout and ./deploy-apps. */
const COPIED = [
  "kit.config.yaml",
  "apps",
  "charts",
  "terraform",
  "localstack",
  "scripts",
  "deploy-apps",
  "package.json",
  "package-lock.json",
];
/** Linked rather than copied: kit's own code. */
const LINKED = ["kit"];
/** Never copied: build output, dependencies and Terraform's working files. */
const SKIPPED = new Set(["node_modules", "dist", "build", "coverage", ".terraform", ".kit", "test-results"]);

/**
 * createTestCheckout copies the repository's project files into a new temporary folder (or dir)
 * and returns it: a second checkout of the project, as `git worktree add` would make, with the
 * working tree's current files.
 */
export function createTestCheckout(dir?: string): string {
  const target = dir ?? mkdtempSync(join(tmpdir(), "kit-checkout-"));
  for (const name of COPIED) {
    cpSync(join(REPO_ROOT, name), join(target, name), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (source) => !SKIPPED.has(basename(source)) && !/\.tfstate/.test(source),
    });
  }
  for (const name of LINKED) symlinkSync(join(REPO_ROOT, name), join(target, name));
  // kit runs from the repository (the link resolves to it, and so do its dependencies); the copy's
  // node_modules only tells the copy's scripts/bootstrap.mjs (./deploy-apps runs it) that npm ci
  // is not needed here.
  const lockHash = createHash("sha256")
    .update(readFileSync(join(target, "package-lock.json")))
    .digest("hex");
  mkdirSync(join(target, "node_modules"));
  writeFileSync(join(target, "node_modules", ".kit-lock-hash"), lockHash);
  return target;
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "0.0.0.0", () => server.close(() => resolve(true)));
  });
}

const reserved = new Set<number>();

/** portsFor lists every host port an environment uses at an offset. */
export function portsFor(offset: number) {
  return {
    registry: DEFAULT_PORTS.registry + offset,
    aws: DEFAULT_PORTS.aws + offset,
    database: DEFAULT_PORTS.database + offset,
    postgres: DEFAULT_PORTS.postgres + offset,
    apps: Object.fromEntries(Object.entries(DEFAULT_PORTS.apps).map(([app, port]) => [app, port + offset])),
  };
}

const allPorts = (offset: number): number[] => {
  const ports = portsFor(offset);
  return [ports.registry, ports.aws, ports.database, ports.postgres, ...Object.values(ports.apps)];
};

/** freePortOffset picks an offset (1000 to 2600) whose ports are all free now and not handed out before. */
export async function freePortOffset(): Promise<number> {
  const start = 1000 + Math.floor(Math.random() * 160) * 10;
  for (let i = 0; i < 160; i++) {
    const offset = 1000 + (((start - 1000) / 10 + i) % 160) * 10;
    const ports = allPorts(offset);
    if (ports.some((p) => reserved.has(p))) continue;
    if ((await Promise.all(ports.map(isPortFree))).every(Boolean)) {
      for (const p of ports) reserved.add(p);
      return offset;
    }
  }
  throw new Error("no port offset from 1000 to 2600 has all of its ports free");
}

/** TestEnvironment is a kit environment a test owns. */
export interface TestEnvironment {
  name: string;
  /** The checkout kit runs in. */
  root: string;
  portOffset: number;
  ports: ReturnType<typeof portsFor>;
  /** The variables that select this environment (KIT_ENV_NAME, KIT_PORT_OFFSET). */
  env: Record<string, string>;
  /** The environment for a process that runs kit itself (a script, `kit logs`): env, CI, and no other selection. */
  childEnv: Record<string, string | undefined>;
  /** The environment's state folder (~/.cache/kit/envs/<name>). */
  stateDir: string;
  kubeconfig: string;
  kubeContext: string;
  namespace: string;
  /** kit runs the CLI in the checkout against this environment. */
  kit(args: string[], options?: Omit<KitRunOptions, "cwd">): Promise<RunResult>;
  /** appUrl is where an app answers on the host. */
  appUrl(app: string): string;
  /** resources lists what of this environment exists in Docker. */
  resources(): Promise<{ containers: string[]; volumes: string[] }>;
  /** dispose removes the environment (kit down --volumes) and the checkout (unless it was given). */
  dispose(): Promise<void>;
}

/** TestEnvironmentOptions share a checkout or pin the name or ports. */
export interface TestEnvironmentOptions {
  /** An existing checkout to run in (not deleted by dispose); a new copy when absent. */
  checkout?: string;
  name?: string;
  portOffset?: number;
  /**
   * How kit learns the name: `env-name` (KIT_ENV_NAME, the default) or `project` (the checkout's
   * kit.config.yaml says `project: <name>`, so the name comes by default, as for a user).
   */
  selectBy?: "env-name" | "project";
}

async function lines(args: string[]): Promise<string[]> {
  const { stdout } = await run("docker", args, { timeoutMs: 60_000 });
  return stdout.split("\n").filter(Boolean).sort();
}

/** environmentResources lists the containers and volumes of an environment, by kit's and kind's labels and names. */
export async function environmentResources(
  name: string,
): Promise<{ containers: string[]; volumes: string[] }> {
  const byLabel = async (label: string) =>
    lines(["ps", "-a", "--filter", `label=${label}`, "--format", "{{.Names}}"]);
  const containers = new Set([
    ...(await byLabel(`dev.kit.project=${name}`)),
    ...(await byLabel(`io.x-k8s.kind.cluster=${name}`)),
    ...(await lines(["ps", "-a", "--filter", `name=^/${name}-registry$`, "--format", "{{.Names}}"])),
  ]);
  const volumes = await lines([
    "volume",
    "ls",
    "--filter",
    `label=dev.kit.project=${name}`,
    "--format",
    "{{.Name}}",
  ]);
  return { containers: [...containers].sort(), volumes };
}

/** createTestEnvironment makes a new environment for a test (nothing is started until the test runs kit up). */
export async function createTestEnvironment(
  label: string,
  options: TestEnvironmentOptions = {},
): Promise<TestEnvironment> {
  const name = options.name ?? `kt-${label}-${process.pid}`;
  const portOffset = options.portOffset ?? (await freePortOffset());
  const root = options.checkout ?? createTestCheckout();
  const env: Record<string, string> = { KIT_PORT_OFFSET: String(portOffset) };
  if (options.selectBy === "project") {
    const file = join(root, "kit.config.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^project: .*$/m, `project: ${name}`));
  } else {
    env.KIT_ENV_NAME = name;
  }
  const names = environmentNames(name);
  const ports = portsFor(portOffset);
  return {
    name,
    root,
    portOffset,
    ports,
    env,
    childEnv: {
      ...Object.fromEntries(SELECTION_VARIABLES.map((v) => [v, undefined])),
      ...env,
      CI: "1",
      FORCE_COLOR: "0",
    },
    stateDir: environmentDir(name),
    kubeconfig: names.kubeconfig,
    kubeContext: `kind-${names.cluster}`,
    namespace: names.namespace,
    kit: (args, runOptions = {}) =>
      runKit(args, { ...runOptions, cwd: root, env: { ...env, ...runOptions.env } }),
    appUrl: (app) => `http://127.0.0.1:${ports.apps[app]}`,
    resources: () => environmentResources(name),
    async dispose() {
      await runKit(["down", "--volumes"], { cwd: root, env });
      if (!options.checkout && existsSync(root)) rmSync(root, { recursive: true, force: true });
    },
  };
}
