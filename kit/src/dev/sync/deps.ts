/**
 * deps are the real dependencies of the live-sync step: host builds, Docker for the kind nodes and
 * the app image's entrypoint, the image source hash, real time.
 */
import { appSourceHash } from "../../images/apps.ts";
import { docker } from "../../tools/docker.ts";
import { systemClock } from "../../wait.ts";
import { buildApp, buildDevrun, describeApp } from "./build.ts";
import { dockerDevSyncNodes } from "./nodes.ts";
import type { DevSyncDeps } from "./step.ts";

/** inspectImage reads an image's entrypoint and working folder; images are immutable, so it is cached by ref. */
function imageInspector(): DevSyncDeps["inspectImage"] {
  const seen = new Map<string, { entrypoint: string[]; workdir: string }>();
  return async (ref, signal) => {
    const cached = seen.get(ref);
    if (cached) return cached;
    const out = await docker(
      ["image", "inspect", "--format", "{{json .Config.Entrypoint}}\t{{json .Config.WorkingDir}}", ref],
      {
        signal,
      },
    );
    const [entrypoint, workdir] = out.trim().split("\t");
    const info = {
      entrypoint: (JSON.parse(entrypoint ?? "null") as string[] | null) ?? [],
      workdir: (JSON.parse(workdir ?? '""') as string) || "/",
    };
    seen.set(ref, info);
    return info;
  };
}

/** realDevSyncDeps are the live-sync step's dependencies `kit up` and `kit dev` run with. */
export function realDevSyncDeps(): DevSyncDeps {
  return {
    nodes: dockerDevSyncNodes,
    buildApp,
    describeApp,
    buildDevrun,
    sourceHash: (appDir) => appSourceHash(appDir, "."),
    inspectImage: imageInspector(),
    clock: systemClock,
  };
}
