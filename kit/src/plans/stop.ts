/**
 * The stop plan freezes every container of one local environment and removes nothing: the kind
 * node(s), the registry, the AWS emulator, the database and any Terraform sandbox are paused
 * (`docker pause`: no CPU, memory and state kept), and `kit up` resumes them as they were.
 * Stopping them instead cost more than it saved: moto keeps its resources in memory, so a stopped
 * emulator came back empty and Terraform applied everything again (new ids, both apps redeployed);
 * and a restarted kind node gave its pods new IPs while its Services kept routing to the old ones,
 * which other pods then held, for two to five minutes (kit up failed its readiness wait). It runs
 * under the environment's lock, like up and down.
 */
import { localEnvironmentName } from "../config/environment.ts";
import type { KitConfig } from "../config/schema.ts";
import { definePlan, type Plan, type Step } from "../engine/plan.ts";
import type { LocalEnvironment } from "../environment/state.ts";
import { ENVIRONMENT_STEP, holdLock, underLock } from "../environment/steps.ts";
import { COMPONENT_LABEL, PROJECT_LABEL } from "../providers/container/index.ts";
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
  /** The names of running (not paused) containers matching every filter (docker ps --filter). */
  running(filters: string[], signal: AbortSignal): Promise<string[]>;
  stop(names: string[], graceSeconds: number, signal: AbortSignal): Promise<void>;
  pause(names: string[], signal: AbortSignal): Promise<void>;
}

/** realStopDocker is Docker itself. */
export const realStopDocker: StopDocker = {
  async running(filters, signal) {
    const args = ["ps", "--format", "{{.Names}}", "--filter", "status=running"];
    for (const filter of filters) args.push("--filter", filter);
    return (await docker(args, { signal })).split("\n").filter(Boolean).sort();
  },
  async stop(names, graceSeconds, signal) {
    await docker(["stop", "--time", String(graceSeconds), ...names], { signal });
  },
  async pause(names, signal) {
    await docker(["pause", ...names], { signal });
  },
};

/** StopGroup is one kind of container the plan stops (or pauses), found by docker ps filters. */
interface StopGroup {
  id: string;
  title: string;
  filters: string[];
  /** Containers matching these filters belong to other groups, which run first. */
  except?: { group: string; filters: string[] }[];
  pause?: boolean;
}

/** stopGroups lists what to stop: the cluster's nodes, the registry, kit's own containers. */
export function stopGroups(config: KitConfig): StopGroup[] {
  const names = environmentNames(localEnvironmentName(config));
  const groups: StopGroup[] = [];
  // A cluster kit did not create (cluster.provider: existing) is not kit's to stop.
  if (config.cluster.provider === "kind")
    groups.push({
      id: "cluster",
      title: `pause the nodes of cluster ${names.cluster}`,
      filters: [`label=io.x-k8s.kind.cluster=${names.cluster}`],
      pause: true,
    });
  const ours = [`label=${KIT_LABEL}=true`, `label=${PROJECT_LABEL}=${names.environment}`];
  const emulator = [...ours, `label=${COMPONENT_LABEL}=aws`];
  const registry = [`name=^/${names.registry}$`];
  groups.push(
    { id: "registry", title: `pause registry ${names.registry}`, filters: registry, pause: true },
    {
      id: "aws-emulator",
      title: "pause the AWS emulator (its resources live in its memory)",
      filters: emulator,
      pause: true,
    },
    {
      id: "services",
      title: "pause the database and the Terraform sandbox",
      filters: ours,
      pause: true,
      except: [
        { group: "aws-emulator", filters: emulator },
        { group: "registry", filters: registry },
      ],
    },
  );
  return groups;
}

function stopStep(group: StopGroup, docker: StopDocker, graceSeconds: number): Step<string[]> {
  const find = async (signal: AbortSignal): Promise<string[]> => {
    const running = await docker.running(group.filters, signal);
    if (!group.except) return running;
    const others = new Set<string>();
    for (const other of group.except)
      for (const name of await docker.running(other.filters, signal)) others.add(name);
    return running.filter((name) => !others.has(name));
  };
  return {
    id: group.id,
    title: group.title,
    // After the group it leaves out: once that one is paused, docker ps no longer lists it.
    ...(group.except ? { needs: group.except.map((other) => other.group) } : {}),
    async check(ctx) {
      const running = await find(ctx.signal);
      return running.length === 0
        ? { satisfied: true, value: [], summary: "not running" }
        : { satisfied: false };
    },
    async apply(ctx) {
      const running = await find(ctx.signal);
      if (running.length > 0 && group.pause) {
        ctx.log(`docker pause ${running.join(" ")}`);
        await docker.pause(running, ctx.signal);
      } else if (running.length > 0) {
        ctx.log(`docker stop --time ${graceSeconds} ${running.join(" ")}`);
        await docker.stop(running, graceSeconds, ctx.signal);
      }
      return running;
    },
    changed: (stopped) => stopped.length > 0,
    summarize: (stopped) =>
      stopped.length === 0
        ? "not running"
        : group.pause
          ? `paused ${stopped.join(", ")} (kept in memory, using no CPU)`
          : `stopped ${stopped.join(", ")} (kept, with their data)`,
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
