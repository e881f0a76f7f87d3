/**
 * targets resolves where `kit rollout` and `kit promote` act: an environment's cluster (kubeconfig
 * and context), namespace, and each app's entry point (the URL the probes use). The local
 * environment is kit's kind cluster with the apps on their host ports; an AWS environment is its
 * EKS context with the apps behind their load balancer or ingress. Flags override the config.
 */
import { isAbsolute, join } from "node:path";
import { localEnvironmentName } from "../config/environment.ts";
import type { KitConfig } from "../config/schema.ts";
import { UserError } from "../errors.ts";
import { clusterProvider, ExistingCluster } from "../providers/cluster/index.ts";
import type { ClusterRef } from "../providers/cluster/types.ts";
import { environmentNames } from "./names.ts";

/** TargetFlags are the command line's overrides. */
export interface TargetFlags {
  /** The environment in kit.config.yaml; default local. */
  env?: string;
  context?: string;
  namespace?: string;
  /** One app's entry point URL. */
  target?: string;
}

/** RolloutTarget is a resolved place to roll apps out and send probe traffic. */
export interface RolloutTarget {
  environment: string;
  type: "local" | "aws";
  cluster: ClusterRef;
  namespace: string;
  /** The URL the probes send traffic to for app. */
  url(app: string): string;
}

function checkUrl(value: string, flag: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return value.replace(/\/+$/, "");
  } catch {
    // reported below
  }
  throw new UserError(`${flag} ${value} is not an http(s) URL.`, {
    hint: `Pass the app's entry point, e.g. ${flag} https://go.dev.example.com.`,
  });
}

/** resolveTarget returns the target of apps in flags.env (default local), or a user error. */
export function resolveTarget(
  config: KitConfig,
  root: string,
  flags: TargetFlags,
  apps: readonly string[],
): RolloutTarget {
  const name = flags.env ?? "local";
  const env = config.environments[name];
  if (!env) {
    throw new UserError(`--env ${name} is not an environment of kit.config.yaml.`, {
      hint: `Its environments are: ${Object.keys(config.environments).join(", ")}.`,
    });
  }
  if (flags.target !== undefined && apps.length !== 1) {
    throw new UserError(`--target names one app's entry point, but ${apps.length} apps were given.`, {
      hint: "Run one app at a time with --target, or set each app's url in kit.config.yaml.",
    });
  }
  const target = flags.target === undefined ? undefined : checkUrl(flags.target, "--target");
  if (env.type === "local") {
    const names = environmentNames(localEnvironmentName(config));
    const cluster =
      flags.context === undefined
        ? clusterProvider({
            provider: config.cluster.provider,
            name: names.cluster,
            context: config.cluster.context,
          }).ref()
        : new ExistingCluster({ context: flags.context }).ref();
    return {
      environment: name,
      type: "local",
      cluster,
      namespace: flags.namespace ?? names.namespace,
      url: (app) => target ?? `http://127.0.0.1:${config.apps[app]?.hostPort}`,
    };
  }
  const kubeconfigPath =
    env.kubeconfig === undefined
      ? undefined
      : isAbsolute(env.kubeconfig)
        ? env.kubeconfig
        : join(root, env.kubeconfig);
  const cluster = new ExistingCluster({ kubeconfigPath, context: flags.context ?? env.kubeContext }).ref();
  for (const app of apps) {
    if (target === undefined && env.apps[app] === undefined) {
      throw new UserError(`environments.${name}.apps.${app}.url is not set in kit.config.yaml.`, {
        hint: `Set it to ${app}'s entry point on ${name} (its load balancer or ingress URL), or pass --target <url>.`,
      });
    }
  }
  return {
    environment: name,
    type: "aws",
    cluster,
    namespace: flags.namespace ?? env.namespace,
    url: (app) => target ?? (env.apps[app]?.url ?? "").replace(/\/+$/, ""),
  };
}
