/**
 * testing holds the fake live-sync dependencies: nodes that keep the stamp kit wrote and pods
 * whose devrun serves (or fails) each generation published, and builds that only record calls.
 */
import { fakeClock } from "../../wait.ts";
import type { DevrunStatus, DevSyncNodes } from "./nodes.ts";
import type { DevSyncDeps } from "./step.ts";

/** FakeNodes records what was published and answers as devrun would in `pods` pods. */
export interface FakeNodes extends DevSyncNodes {
  published: { nodes: readonly string[]; folder: string; generation: string }[];
  /** Pods running devrun; none until the release would start them. */
  pods: string[];
  /** Generations whose new code fails to start, with the error devrun reports. */
  failing: Map<string, string>;
}

/** fakeDevSyncDeps are DevSyncDeps over fake nodes and a fake clock. */
export function fakeDevSyncDeps(): DevSyncDeps & {
  nodes: FakeNodes;
  builds: string[];
  saves: Map<string, number>;
} {
  const clock = fakeClock(1_000_000);
  const stamps = new Map<string, string>();
  const builds: string[] = [];
  /** Saves per app folder: each changes the source hash. */
  const saves = new Map<string, number>();
  const nodes: FakeNodes = {
    published: [],
    pods: [],
    failing: new Map(),
    async publish(list, folder, _staging, generation) {
      nodes.published.push({ nodes: list, folder, generation });
      for (const n of list) stamps.set(`${n}:${folder}`, generation);
    },
    async stamps(list, folder) {
      return list.map((n) => stamps.get(`${n}:${folder}`) ?? "");
    },
    async statuses(list, folder): Promise<DevrunStatus[]> {
      const generation = stamps.get(`${list[0]}:${folder}`) ?? "0";
      const error = nodes.failing.get(generation);
      return nodes.pods.map((pod) => ({
        pod,
        generation,
        state: error ? "failed" : "serving",
        ...(error ? { error } : {}),
        swapMs: 300,
        updatedAt: clock.now(),
      }));
    },
  };
  return {
    nodes,
    builds,
    saves,
    clock,
    async buildApp(req) {
      builds.push(`${req.language}:${req.name}`);
      return this.describeApp(req);
    },
    async describeApp(req) {
      return req.language === "go"
        ? { command: [`/kit-dev/app/${req.name}`], subPathMounts: [], env: [] }
        : {
            command: [...req.image.entrypoint, "dist/main.js"],
            subPathMounts: [{ subPath: "app/dist", mountPath: `${req.image.workdir}/dist` }],
            env: [{ name: "NODE_COMPILE_CACHE", value: "/tmp/node-compile-cache" }],
          };
    },
    async buildDevrun() {
      builds.push("devrun");
    },
    async sourceHash(appDir) {
      return `${appDir}@${saves.get(appDir) ?? 0}`;
    },
    async inspectImage() {
      return { entrypoint: ["/nodejs/bin/node"], workdir: "/app" };
    },
  };
}
