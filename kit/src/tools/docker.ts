/**
 * docker is kit's thin typed wrapper over the docker CLI, for what testcontainers does not cover:
 * image builds, imports, inspection and label-scoped cleanup. Every call goes through an Execer, so
 * it can be cancelled and fails with the command and its output; createDockerCli takes one (unit
 * tests pass a FakeExecer), and the functions exported here run the real docker.
 */
import { UserError } from "../errors.ts";
import { type Execer, realExecer } from "../exec/execer.ts";
import type { RunOptions } from "../exec/index.ts";

/** KIT_LABEL marks every container, network, volume and image kit creates. */
export const KIT_LABEL = "dev.kit.managed";

type CallOptions = Pick<RunOptions, "signal" | "onLine" | "timeoutMs" | "env" | "input" | "cwd">;

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

/** DockerCli is the docker CLI as kit uses it. */
export interface DockerCli {
  /** docker runs a docker CLI command and returns its stdout. */
  docker(args: readonly string[], options?: CallOptions): Promise<string>;
  /** dockerServerVersion is the engine's version when one answers, else undefined. */
  dockerServerVersion(signal?: AbortSignal): Promise<string | undefined>;
  /** requireDocker fails with a user error naming the fix when no engine answers. */
  requireDocker(signal?: AbortSignal): Promise<string>;
  /** imageExists says whether the local engine holds an image with this reference. */
  imageExists(ref: string, signal?: AbortSignal): Promise<boolean>;
  /** imageId returns the local image id (sha256:...) of ref. */
  imageId(ref: string, signal?: AbortSignal): Promise<string>;
  /** buildImage runs `docker build` with BuildKit and kit's label. */
  buildImage(req: DockerBuildRequest, options?: CallOptions): Promise<void>;
  /**
   * removeNetworkIfUnused removes a network that no container is attached to, then every other
   * network with kit's label that is unused (docker refuses to remove one in use). It says what it
   * did to the named one.
   */
  removeNetworkIfUnused(name: string, signal?: AbortSignal): Promise<"absent" | "in use" | "removed">;
}

/** buildArgs is the `docker buildx build` command line of a request. */
export function buildArgs(req: DockerBuildRequest): string[] {
  const args = ["buildx", "build", "--load", "--progress", "plain", "-t", req.tag];
  if (req.dockerfile) args.push("-f", req.dockerfile);
  if (req.target) args.push("--target", req.target);
  for (const [k, v] of Object.entries(req.buildArgs ?? {})) args.push("--build-arg", `${k}=${v}`);
  for (const [k, v] of Object.entries({ [KIT_LABEL]: "true", ...req.labels }))
    args.push("--label", `${k}=${v}`);
  for (const [k, v] of Object.entries(req.contexts ?? {})) args.push("--build-context", `${k}=${v}`);
  args.push(req.context);
  return args;
}

export function createDockerCli(execer: Execer = realExecer): DockerCli {
  const cli: DockerCli = {
    async docker(args, options = {}) {
      const { stdout } = await execer.run("docker", args, {
        timeoutMs: 10 * 60_000,
        hint: "Is the Docker engine running? `kit doctor --fix` installs and starts one.",
        ...options,
      });
      return stdout;
    },
    async dockerServerVersion(signal) {
      const result = await execer
        .run("docker", ["version", "--format", "{{.Server.Version}}"], {
          signal,
          timeoutMs: 15_000,
          allowFailure: true,
        })
        .catch(() => undefined);
      if (!result || result.exitCode !== 0) return undefined;
      return result.stdout.trim() || undefined;
    },
    async requireDocker(signal) {
      const version = await cli.dockerServerVersion(signal);
      if (!version) {
        throw new UserError("The Docker engine is not running (or `docker` cannot reach it).", {
          hint: "Start it (`sudo systemctl start docker`), or run `kit doctor --fix` to install and start one.",
        });
      }
      return version;
    },
    async imageExists(ref, signal) {
      const result = await execer.run("docker", ["image", "inspect", "--format", "{{.Id}}", ref], {
        signal,
        timeoutMs: 30_000,
        allowFailure: true,
      });
      return result.exitCode === 0;
    },
    async imageId(ref, signal) {
      return (await cli.docker(["image", "inspect", "--format", "{{.Id}}", ref], { signal })).trim();
    },
    async removeNetworkIfUnused(name, signal) {
      const inspect = await execer.run(
        "docker",
        ["network", "inspect", name, "--format", "{{len .Containers}}"],
        {
          signal,
          timeoutMs: 30_000,
          allowFailure: true,
        },
      );
      if (inspect.exitCode !== 0) return "absent";
      if (inspect.stdout.trim() !== "0") return "in use";
      // Another environment may be creating its cluster right now: a network it joins survives.
      const rm = { signal, timeoutMs: 30_000, allowFailure: true } as const;
      await execer.run("docker", ["network", "rm", name], rm);
      const labelled = await cli.docker(["network", "ls", "-q", "--filter", `label=${KIT_LABEL}`], {
        signal,
      });
      for (const id of labelled.split("\n").filter(Boolean))
        await execer.run("docker", ["network", "rm", id], rm);
      return "removed";
    },
    async buildImage(req, options = {}) {
      await execer.run("docker", buildArgs(req), {
        timeoutMs: 60 * 60_000,
        hint: `The build of ${req.tag} failed at the step shown in the last output lines; fix it (or retry if it was a download that broke) and run again. Completed layers stay cached.`,
        ...options,
      });
    },
  };
  return cli;
}

/** The real docker CLI. */
export const dockerCli: DockerCli = createDockerCli();
export const {
  docker,
  dockerServerVersion,
  requireDocker,
  imageExists,
  imageId,
  buildImage,
  removeNetworkIfUnused,
} = dockerCli;
