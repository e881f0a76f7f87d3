/**
 * The Go programs of a built node image: Kubernetes, containerd, the CNI plugins, crictl, etcd,
 * CoreDNS and local-path-provisioner from the Go module proxy, and pause and kindnetd from kit's own
 * `kind/` sources. Each is cached by its inputs (tools/go-build.ts), so a warm cache builds nothing.
 */
import { join } from "node:path";
import { KitError } from "../../errors.ts";
import { cacheDir } from "../../paths.ts";
import { buildGoProgram, type GoBuildResult, type GoBuildSpec } from "../../tools/go-build.ts";
import {
  cniPluginsSpec,
  containerdSpec,
  corednsSpec,
  crictlSpec,
  etcdSpec,
  localPathProvisionerSpec,
} from "./components.ts";
import { kubernetesBuildSpec } from "./kubernetes.ts";
import { buildLocalGoProgram } from "./local-go.ts";
import { KIND_DIR } from "./parts.ts";
import { type BuildProgress, buildStep, type StepTiming } from "./steps.ts";

/** GoBinaries are the node image's Go programs, built or from the cache. */
export interface GoBinaries {
  kubernetes: GoBuildResult;
  containerd: GoBuildResult;
  cni: GoBuildResult;
  crictl: GoBuildResult;
  etcd: GoBuildResult;
  coredns: GoBuildResult;
  localPath: GoBuildResult;
  pause: string;
  kindnetd: string;
}

/** timed runs fn and records how long it took and whether it built anything. */
export async function timed<T extends { built: boolean }>(
  timings: StepTiming[],
  step: string,
  fn: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  const result = await fn();
  timings.push({ step, seconds: (Date.now() - started) / 1000, built: result.built });
  return result;
}

/** buildGoComponents builds (or takes from the cache) every Go program the node image needs. */
export async function buildGoComponents(
  kubernetesVersion: string,
  progress: BuildProgress,
  timings: StepTiming[] = [],
): Promise<GoBinaries> {
  const go = (spec: GoBuildSpec): Promise<GoBuildResult> =>
    timed(timings, `go ${spec.name} ${spec.version}`, () =>
      buildStep(
        `go build ${spec.name}`,
        `Rerun to retry (finished Go builds stay cached); check the Go module proxy and free disk space under ${cacheDir(progress.env)}.`,
        () =>
          buildGoProgram(spec, {
            signal: progress.signal,
            onLine: progress.onLine,
            env: progress.env,
          }),
        progress,
      ),
    );
  const local = async (name: string): Promise<string> =>
    (
      await timed(timings, `go ${name} (kind/${name})`, () =>
        buildStep(`go build ${name}`, `Fix the Go source in kind/${name}.`, () =>
          buildLocalGoProgram(name, join(KIND_DIR, name), progress),
        ),
      )
    ).binary;
  return {
    kubernetes: await go(kubernetesBuildSpec(kubernetesVersion)),
    containerd: await go(containerdSpec()),
    cni: await go(cniPluginsSpec()),
    crictl: await go(crictlSpec()),
    etcd: await go(etcdSpec()),
    coredns: await go(corednsSpec()),
    localPath: await go(localPathProvisionerSpec()),
    pause: await local("pause"),
    kindnetd: await local("kindnetd"),
  };
}

/** bin is the path of a binary of a Go build; a missing one is a bug in its spec. */
export function bin(result: GoBuildResult, name: string): string {
  const path = result.binaries[name];
  if (!path) throw new KitError("bug", `the Go build in ${result.dir} has no binary ${name}`);
  return path;
}
