/**
 * The stop plan stops every container of one local environment and removes nothing: the kind
 * node(s), the registry, the AWS emulator, the database and any Terraform sandbox. Their
 * filesystems and volumes stay, so the database keeps its data, the registry its images and the
 * cluster its releases; `kit up` starts them again (it starts stopped containers it finds) and
 * converges from there. It runs under the environment's lock, like up and down.
 */
import { localEnvironmentName } from "../config/environment.ts";
import type { KitConfig } from "../config/schema.ts";
import { definePlan, type Plan, type Step } from "../engine/plan.ts";
import type { LocalEnvironment } from "../environment/state.ts";
import { ENVIRONMENT_STEP, holdLock, underLock } from "../environment/steps.ts";
import { PROJECT_LABEL } from "../providers/container/index.ts";
import { docker, KIT_LABEL } from "../tools/docker.ts";
import { environmentNames } from "./names.ts";

/** StopOptions say which environment to stop. */
export interface StopOptions {
  config: KitConfig;
  environment: LocalEnvironment;
  /** Seconds each container gets to stop before it is killed (docker stop --time). Default 10. */
  graceSeconds?: number;
}

/** StopDocker is what stopping needs from Docker; tests pass a fake. */
export interface StopDocker {
  /** The names of running containers matching every filter (docker ps --filter). */
  running(filters: string[], signal: AbortSignal): Promise<string[]>;
  stop(names: string[], graceSeconds: number, signal: AbortSignal): Promise<void>;
}

/** realStopDocker is Docker itself. */
export const realStopDocker: StopDocker = {
  async running(filters, signal) {
    const args = ["ps", "--format", "{{.Names}}"];
    for (const filter of filters) args.push("--filter", filter);
    return (await docker(args, { signal })).split("\n").filter(Boolean).sort();
  },
  async stop(names, graceSeconds, signal) {
    await docker(["stop", "--time", String(graceSeconds), ...names], { signal });
  },
};

/** StopGroup is one kind of container the plan stops, found by docker ps filters. */
interface StopGroup {
  id: string;
  title: string;
  filters: string[];
}

/** stopGroups lists what to stop: the cluster's nodes, the registry, kit's own containers. */
export function stopGroups(config: KitConfig): StopGroup[] {
  const names = environmentNames(localEnvironmentName(config));
  const groups: StopGroup[] = [];
  // A cluster kit did not create (cluster.provider: existing) is not kit's to stop.
  if (config.cluster.provider === "kind")
    groups.push({
      id: "cluster",
      title: `stop the nodes of cluster ${names.cluster}`,
      filters: [`label=io.x-k8s.kind.cluster=${names.cluster}`],
    });
  groups.push(
    { id: "registry", title: `stop registry ${names.registry}`, filters: [`name=^/${names.registry}$`] },
    {
      id: "services",
      title: "stop the AWS emulator, the database and the Terraform sandbox",
      filters: [`label=${KIT_LABEL}=true`, `label=${PROJECT_LABEL}=${names.environment}`],
    },
  );
  return groups;
}

function stopStep(group: StopGroup, docker: StopDocker, graceSeconds: number): Step<string[]> {
  return {
    id: group.id,
    title: group.title,
    async check(ctx) {
      const running = await docker.running(group.filters, ctx.signal);
      return running.length === 0
        ? { satisfied: true, value: [], summary: "not running" }
        : { satisfied: false };
    },
    async apply(ctx) {
      const running = await docker.running(group.filters, ctx.signal);
      if (running.length > 0) {
        ctx.log(`docker stop --time ${graceSeconds} ${running.join(" ")}`);
        await docker.stop(running, graceSeconds, ctx.signal);
      }
      return running;
    },
    changed: (stopped) => stopped.length > 0,
    summarize: (stopped) =>
      stopped.length > 0 ? `stopped ${stopped.join(", ")} (kept, with their data)` : "not running",
  };
}

/** stopPlan builds the plan that stops the local environment, keeping everything. */
export function stopPlan(options: StopOptions, docker: StopDocker = realStopDocker): Plan {
  const { config, environment } = options;
  const graceSeconds = options.graceSeconds ?? 10;
  return definePlan("stop", [
    {
      id: ENVIRONMENT_STEP,
      title: `environment ${environment.name} (lock)`,
      async apply(ctx) {
        await holdLock(environment.lock, ctx);
        return undefined;
      },
      summarize: () => "locked",
    },
    ...stopGroups(config).map((group) => underLock(stopStep(group, docker, graceSeconds), environment.lock)),
  ]);
}
