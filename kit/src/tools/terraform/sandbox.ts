/**
 * sandbox is the container local Terraform runs in: an internal Docker network with no route out
 * and no address on the host's side of its bridge (`com.docker.network.bridge.inhibit_ipv4`),
 * shared only with the AWS emulator; a read-only root file system; every capability dropped;
 * IPv6 off; mounts for the configuration, the provider mirror and the binary (read-only) and for
 * state and TF_DATA_DIR (writable); and an environment that holds only what kit names.
 *
 * One container serves a whole step: it sleeps, and each Terraform command is a `docker exec`.
 * It is labelled like everything kit creates, and it removes itself after SANDBOX_TTL_SECONDS
 * even when kit is killed outright.
 */
import { randomBytes } from "node:crypto";
import { CancelledError, ExternalToolError } from "../../errors.ts";
import { type Execer, realExecer } from "../../exec/execer.ts";
import { type RunResult, run } from "../../exec/index.ts";
import { COMPONENT_LABEL, connectToNetwork, PROJECT_LABEL } from "../../providers/container/index.ts";
import { createDockerCli, docker, KIT_LABEL } from "../docker.ts";

/** SANDBOX_COMPONENT is the component label of the sandbox container and network. */
export const SANDBOX_COMPONENT = "terraform-sandbox";
/** EMULATOR_ALIAS is the emulator's name on the sandbox network. */
export const EMULATOR_ALIAS = "kit-emulator";
/** SANDBOX_TTL_SECONDS bounds a sandbox's life when nothing removes it (kit was killed). */
export const SANDBOX_TTL_SECONDS = 4 * 60 * 60;
/** GRACE_MS is how long a cancelled command has to stop after SIGTERM before the container goes. */
const GRACE_MS = 5_000;
const PID_FILE = "/kit/scratch/command.pid";

/** sandboxNetworkName is the project's internal network for local Terraform. */
export function sandboxNetworkName(project: string): string {
  return `kit-${project}-tf-sandbox`;
}

function labels(project: string): string[] {
  return [`${KIT_LABEL}=true`, `${PROJECT_LABEL}=${project}`, `${COMPONENT_LABEL}=${SANDBOX_COMPONENT}`];
}

/** sandboxNetworkArgs is the `docker network create` command line of the sandbox network. */
export function sandboxNetworkArgs(project: string): string[] {
  return [
    "network",
    "create",
    "--internal",
    // An internal network still gives the bridge an address on the host, and every host listener
    // on 0.0.0.0 answers there (measured on Docker 26); without that address nothing does.
    "--opt",
    "com.docker.network.bridge.inhibit_ipv4=true",
    ...labels(project).flatMap((l) => ["--label", l]),
    sandboxNetworkName(project),
  ];
}

/**
 * ensureSandboxNetwork creates the project's sandbox network unless it exists with the isolation
 * options; an existing network of that name without them is an error, not something to reuse.
 */
export async function ensureSandboxNetwork(
  project: string,
  signal?: AbortSignal,
  execer: Execer = realExecer,
): Promise<string> {
  const name = sandboxNetworkName(project);
  const inspect = await execer.run(
    "docker",
    ["network", "inspect", name, "--format", "{{.Internal}} {{json .Options}}"],
    { signal, allowFailure: true, timeoutMs: 30_000 },
  );
  if (inspect.exitCode === 0) {
    const [internal, options = "{}"] = inspect.stdout.trim().split(" ", 2);
    const opts = JSON.parse(options) as Record<string, string> | null;
    if (internal === "true" && opts?.["com.docker.network.bridge.inhibit_ipv4"] === "true") return name;
    throw new ExternalToolError(
      `The Docker network ${name} exists but is not an isolated internal network.`,
      { command: `docker network inspect ${name}`, exitCode: 0, outputTail: [inspect.stdout.trim()] },
      { hint: `Remove it (\`docker network rm ${name}\`, or \`kit down\`) and run again; kit recreates it.` },
    );
  }
  const created = await execer.run("docker", sandboxNetworkArgs(project), {
    signal,
    allowFailure: true,
    timeoutMs: 60_000,
  });
  // Two steps may race to create it; the loser sees "already exists" and uses the winner's.
  if (created.exitCode !== 0 && !/already exists/.test(created.stderr)) {
    throw new ExternalToolError(
      `creating the sandbox network ${name} failed`,
      { command: created.command, exitCode: created.exitCode, outputTail: created.stderr.split("\n") },
      { hint: "kit needs Docker 23 or newer (the bridge driver's inhibit_ipv4 option)." },
    );
  }
  return name;
}

function isDockerCliVariable(name: string): boolean {
  return name === "HOME" || name === "PATH" || name.startsWith("DOCKER_");
}

/** SandboxMount is a host path made visible in the sandbox. */
export interface SandboxMount {
  host: string;
  container: string;
  readOnly: boolean;
}

/** SandboxSpec is everything one sandbox container is made of. */
export interface SandboxSpec {
  project: string;
  image: string;
  network: string;
  mounts: SandboxMount[];
  /** The uid:gid Terraform runs as (kit's own, so files in writable mounts stay the user's). */
  user: string;
}

/** sandboxRunArgs is the `docker run` command line of a sandbox container named name. */
export function sandboxRunArgs(spec: SandboxSpec, name: string): string[] {
  return [
    "run",
    "--detach",
    "--rm",
    "--init",
    "--name",
    name,
    ...labels(spec.project).flatMap((l) => ["--label", l]),
    "--network",
    spec.network,
    "--read-only",
    "--tmpfs",
    "/tmp:rw,exec",
    "--tmpfs",
    "/kit/scratch:rw,exec",
    "--tmpfs",
    "/kit/home:rw",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "--sysctl",
    "net.ipv6.conf.all.disable_ipv6=1",
    "--sysctl",
    "net.ipv6.conf.default.disable_ipv6=1",
    "--pids-limit",
    "1024",
    "--user",
    spec.user,
    "--workdir",
    "/kit/scratch",
    ...spec.mounts.flatMap((m) => [
      "--mount",
      `type=bind,source=${m.host},target=${m.container}${m.readOnly ? ",readonly" : ""}`,
    ]),
    spec.image,
    "sleep",
    String(SANDBOX_TTL_SECONDS),
  ];
}

/** ExecOptions configure one command in the sandbox. */
export interface ExecOptions {
  /** Variables for the command: the names are passed to docker exec, the values never appear on a command line. */
  env: Record<string, string>;
  workdir?: string;
  input?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  onLine?: (line: string) => void;
  hint?: string;
  allowFailure?: boolean;
}

/** Sandbox is a running sandbox container. */
export interface Sandbox {
  name: string;
  /** exec runs argv in the sandbox; cancelling stops the command (SIGTERM, then the container). */
  exec(argv: string[], options: ExecOptions): Promise<RunResult>;
  /** close removes the container; safe to call more than once. */
  close(): Promise<void>;
}

/** startSandbox starts a sandbox container and attaches the emulator to its network under EMULATOR_ALIAS. */
export async function startSandbox(
  spec: SandboxSpec,
  emulatorContainer: string,
  signal?: AbortSignal,
): Promise<Sandbox> {
  const name = `kit-${spec.project}-tf-${randomBytes(4).toString("hex")}`;
  await connectToNetwork(emulatorContainer, spec.network, [EMULATOR_ALIAS]);
  try {
    await docker(sandboxRunArgs(spec, name), { signal, timeoutMs: 120_000 });
  } catch (err) {
    // Cancelled or failed after docker created it: nothing may stay behind.
    await run("docker", ["rm", "--force", name], { allowFailure: true, timeoutMs: 60_000 });
    throw err;
  }
  let closed = false;
  let cancelled = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await run("docker", ["rm", "--force", name], { allowFailure: true, timeoutMs: 60_000 });
  };
  const exec = async (argv: string[], options: ExecOptions): Promise<RunResult> => {
    if (closed) throw new CancelledError(`the Terraform sandbox ${name} was already removed`);
    if (options.signal?.aborted) throw new CancelledError(`cancelled before running ${argv[0]}`);
    const args = ["exec", "--interactive", "--workdir", options.workdir ?? "/kit/scratch"];
    for (const [key, value] of Object.entries(options.env)) {
      // By name, so a value never shows on a command line; but the docker CLI's own HOME, PATH and
      // DOCKER_* stay its own (they locate its configuration and the engine).
      args.push("--env", isDockerCliVariable(key) ? `${key}=${value}` : key);
    }
    // The shell records the command's pid so cancellation can stop it the way Ctrl-C would.
    args.push(name, "/bin/sh", "-c", `echo $$ > ${PID_FILE}; exec "$@"`, "sh", ...argv);
    const stop = async (): Promise<void> => {
      cancelled = true;
      await run("docker", ["exec", name, "/bin/sh", "-c", `kill -TERM "$(cat ${PID_FILE})"`], {
        allowFailure: true,
        timeoutMs: 10_000,
      }).catch(() => undefined);
      setTimeout(() => void close(), GRACE_MS).unref();
    };
    const onAbort = (): void => void stop();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const timeoutMs = options.timeoutMs ?? 30 * 60_000;
    const timer = setTimeout(() => void stop(), timeoutMs);
    timer.unref();
    try {
      // No signal for run(): killing the docker CLI would leave the command running in the container.
      const result = await run("docker", args, {
        env: Object.fromEntries(Object.entries(options.env).filter(([key]) => !isDockerCliVariable(key))),
        input: options.input ?? "",
        onLine: options.onLine,
        timeoutMs: timeoutMs + 2 * GRACE_MS,
        hint: options.hint,
        allowFailure: options.allowFailure,
      }).catch((err: unknown) => {
        if (options.signal?.aborted) throw new CancelledError(`cancelled: ${argv.join(" ")}`);
        throw err;
      });
      if (options.signal?.aborted) throw new CancelledError(`cancelled: ${argv.join(" ")}`);
      return result;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (cancelled) await close();
    }
  };
  return { name, exec, close };
}

/**
 * removeTerraformSandboxes removes every sandbox container of a project and then its network
 * (for `kit down` and for tests; a running `kit up` keeps its own until it ends).
 */
export async function removeTerraformSandboxes(
  project: string,
  signal?: AbortSignal,
  execer: Execer = realExecer,
): Promise<void> {
  const { docker } = createDockerCli(execer);
  const filters = labels(project).flatMap((l) => ["--filter", `label=${l}`]);
  const ids = (await docker(["container", "ls", "-aq", ...filters], { signal })).split("\n").filter(Boolean);
  if (ids.length > 0) await docker(["container", "rm", "--force", ...ids], { signal });
  const networks = (await docker(["network", "ls", "-q", ...filters], { signal }))
    .split("\n")
    .filter(Boolean);
  for (const id of networks) {
    // The emulator is attached under an alias; detach everything before removing the network.
    const attached = await docker(
      ["network", "inspect", id, "--format", "{{range $id, $c := .Containers}}{{$id}}\n{{end}}"],
      { signal },
    );
    for (const container of attached.split("\n").filter(Boolean)) {
      await execer.run("docker", ["network", "disconnect", "--force", id, container], {
        allowFailure: true,
        signal,
      });
    }
    await execer.run("docker", ["network", "rm", id], { allowFailure: true, signal });
  }
}
