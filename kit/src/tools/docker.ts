/**
 * docker is kit's thin typed wrapper over the docker CLI, for what testcontainers does not cover:
 * image builds, imports, inspection and label-scoped cleanup. Every call goes through exec, so it
 * can be cancelled and fails with the command and its output.
 */
import { UserError } from "../errors.ts";
import { type RunOptions, run } from "../exec/index.ts";

/** KIT_LABEL marks every container, network, volume and image kit creates. */
export const KIT_LABEL = "dev.kit.managed";

type CallOptions = Pick<RunOptions, "signal" | "onLine" | "timeoutMs" | "env" | "input" | "cwd">;

/** docker runs a docker CLI command and returns its stdout. */
export async function docker(args: readonly string[], options: CallOptions = {}): Promise<string> {
  const { stdout } = await run("docker", args, {
    timeoutMs: 10 * 60_000,
    hint: "Is the Docker engine running? `kit doctor --fix` installs and starts one.",
    ...options,
  });
  return stdout;
}

/** isDockerReady says whether a Docker engine answers, and its server version when it does. */
export async function dockerServerVersion(signal?: AbortSignal): Promise<string | undefined> {
  const result = await run("docker", ["version", "--format", "{{.Server.Version}}"], {
    signal,
    timeoutMs: 15_000,
    allowFailure: true,
  }).catch(() => undefined);
  if (!result || result.exitCode !== 0) return undefined;
  return result.stdout.trim() || undefined;
}

/** requireDocker fails with a user error naming the fix when no engine answers. */
export async function requireDocker(signal?: AbortSignal): Promise<string> {
  const version = await dockerServerVersion(signal);
  if (!version) {
    throw new UserError("The Docker engine is not running (or `docker` cannot reach it).", {
      hint: "Start it (`sudo systemctl start docker`), or run `kit doctor --fix` to install and start one.",
    });
  }
  return version;
}

/** imageExists says whether the local engine holds an image with this reference. */
export async function imageExists(ref: string, signal?: AbortSignal): Promise<boolean> {
  const result = await run("docker", ["image", "inspect", "--format", "{{.Id}}", ref], {
    signal,
    timeoutMs: 30_000,
    allowFailure: true,
  });
  return result.exitCode === 0;
}

/** imageId returns the local image id (sha256:...) of ref. */
export async function imageId(ref: string, signal?: AbortSignal): Promise<string> {
  return (await docker(["image", "inspect", "--format", "{{.Id}}", ref], { signal })).trim();
}

/** DockerBuildRequest describes one `docker build`. */
export interface DockerBuildRequest {
  tag: string;
  context: string;
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  target?: string;
  labels?: Record<string, string>;
  /** Extra named build contexts (BuildKit `--build-context name=path`). */
  contexts?: Record<string, string>;
}

/** buildImage runs `docker build` with BuildKit and kit's label. */
export async function buildImage(req: DockerBuildRequest, options: CallOptions = {}): Promise<void> {
  const args = ["buildx", "build", "--load", "--progress", "plain", "-t", req.tag];
  if (req.dockerfile) args.push("-f", req.dockerfile);
  if (req.target) args.push("--target", req.target);
  for (const [k, v] of Object.entries(req.buildArgs ?? {})) args.push("--build-arg", `${k}=${v}`);
  for (const [k, v] of Object.entries({ [KIT_LABEL]: "true", ...req.labels }))
    args.push("--label", `${k}=${v}`);
  for (const [k, v] of Object.entries(req.contexts ?? {})) args.push("--build-context", `${k}=${v}`);
  args.push(req.context);
  await run("docker", args, {
    timeoutMs: 60 * 60_000,
    hint: `The build of ${req.tag} failed at the step shown in the last output lines; fix it (or retry if it was a download that broke) and run again. Completed layers stay cached.`,
    ...options,
  });
}
