/**
 * ports-step is `kit up`'s first look at the machine: every host port the environment needs is
 * free or already the environment's own (a re-run), or the step fails naming each port, its
 * config field and its holder — another kit environment by name, a container or a process.
 */
import { localEnvironmentName, portField } from "../config/environment.ts";
import type { KitConfig } from "../config/schema.ts";
import type { Step } from "../engine/plan.ts";
import { UserError } from "../errors.ts";
import { COMPONENT_LABEL, PROJECT_LABEL } from "../providers/container/index.ts";
import { APP_LABEL, CONTAINER_APP_COMPONENT } from "./container-app.ts";
import type { EnvironmentNames } from "./names.ts";
import { KIND_CLUSTER_LABEL, type PortHolder, type PortOwner, portProblems, portsHint } from "./ports.ts";

/** FindPortHolder says who listens on a host port (ports.ts findPortHolder), undefined when it is free. */
export type FindPortHolder = (port: number, signal?: AbortSignal) => Promise<PortHolder | undefined>;

/** environmentPortOwners lists the host ports an environment needs and how to recognise its own holders. */
export function environmentPortOwners(config: KitConfig, names: EnvironmentNames): PortOwner[] {
  const envName = localEnvironmentName(config);
  const isOwn = (component: string) => (h: { labels?: Record<string, string> }) =>
    h.labels?.[PROJECT_LABEL] === envName && h.labels?.[COMPONENT_LABEL] === component;
  return [
    {
      port: config.registry.hostPort,
      field: portField(config, "registry.hostPort"),
      ownedBy: (h) => h.container === names.registry,
    },
    { port: config.aws.hostPort, field: portField(config, "aws.hostPort"), ownedBy: isOwn("aws") },
    {
      port: config.database.hostPort,
      field: portField(config, "database.hostPort"),
      ownedBy: isOwn("database"),
    },
    ...Object.entries(config.apps).map(([appName, app]) => ({
      port: app.hostPort,
      field: portField(config, `apps.${appName}.hostPort`),
      ownedBy: (h: { labels?: Record<string, string> }) => h.labels?.[KIND_CLUSTER_LABEL] === names.cluster,
    })),
    ...Object.entries(config.containers).map(([appName, app]) => ({
      port: app.hostPort,
      field: portField(config, `containers.${appName}.hostPort`),
      ownedBy: (h: { labels?: Record<string, string> }) =>
        isOwn(CONTAINER_APP_COMPONENT)(h) && h.labels?.[APP_LABEL] === appName,
    })),
  ];
}

/**
 * hostPortsStep checks the environment's host ports. It only looks, so it has no check(): its
 * apply() runs on every `kit up`, changes nothing, and fails naming each holder.
 */
export function hostPortsStep(
  config: KitConfig,
  names: EnvironmentNames,
  findHolder: FindPortHolder,
): Step<number[]> {
  const owners = environmentPortOwners(config, names);
  return {
    id: "ports",
    title: "host ports free",
    async apply(ctx) {
      const holders = await Promise.all(owners.map((owner) => findHolder(owner.port, ctx.signal)));
      const { problems, heldByEnvironment } = portProblems(owners, holders, PROJECT_LABEL);
      if (problems.length > 0) {
        throw new UserError(problems.join(" "), { hint: portsHint(problems.length, heldByEnvironment) });
      }
      return owners.map((o) => o.port);
    },
    changed: () => false,
    summarize: (ports) => `${ports.join(", ")} free or the environment's own`,
  };
}
