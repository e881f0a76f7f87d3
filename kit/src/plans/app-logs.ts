/**
 * app-logs says where an app's logs come from in the local environment: the pods of its Helm
 * release, in the project's namespace, on the cluster kit up made (or the existing context). The
 * Ink view's log key and `kit logs` both read through appLogSource.
 */
import { localEnvironmentName } from "../config/environment.ts";
import type { KitConfig } from "../config/schema.ts";
import { UserError } from "../errors.ts";
import { clusterProvider } from "../providers/cluster/index.ts";
import { followPodLogs, type PodLogLine } from "../providers/cluster/pod-logs.ts";
import { refuseContainerApp } from "./container-app.ts";
import { environmentNames } from "./names.ts";

export type { PodLogLine } from "../providers/cluster/pod-logs.ts";

/** FollowAppOptions say where lines go and whether to keep following. */
export interface FollowAppOptions {
  onLine: (line: PodLogLine) => void;
  onStatus?: (status: string) => void;
  /** Lines of each pod's past to show first; default 20. */
  tailLines?: number;
  /** false prints what the pods have logged so far and returns; default true. */
  follow?: boolean;
  /** Keep retrying while the cluster cannot be read; false fails at once. Default true. */
  retryUnreachable?: boolean;
  signal: AbortSignal;
}

/** AppLogSource lists the apps whose logs can be followed, and follows one. */
export interface AppLogSource {
  apps: string[];
  follow(app: string, options: FollowAppOptions): Promise<void>;
}

/** appLogSource reads the apps' pod logs on the local environment's cluster. */
export function appLogSource(config: KitConfig): AppLogSource {
  const names = environmentNames(localEnvironmentName(config));
  const apps = Object.keys(config.apps);
  return {
    apps,
    follow(app, options) {
      if (!apps.includes(app)) {
        refuseContainerApp(config, app, "kit logs");
        throw new UserError(`kit logs: unknown app "${app}".`, {
          hint: `The apps in kit.config.yaml are: ${apps.join(", ")}.`,
        });
      }
      const ref = clusterProvider({
        provider: config.cluster.provider,
        name: names.cluster,
        context: config.cluster.context,
      }).ref();
      return followPodLogs(ref, {
        ...options,
        namespace: names.namespace,
        labelSelector: `app.kubernetes.io/instance=${app}`,
      });
    },
  };
}

/** shortPodName keeps what tells a release's pods apart: the ReplicaSet hash and the pod suffix. */
export function shortPodName(pod: string, app: string): string {
  return pod.startsWith(`${app}-`) ? pod.slice(app.length + 1) : pod;
}

/** formatPodLogLine renders a line as `pod | text` (with the container when a pod has several). */
export function formatPodLogLine(line: PodLogLine, app: string, withContainer = false): string {
  const source = shortPodName(line.pod, app) + (withContainer ? `/${line.container}` : "");
  return `${source} | ${line.line}`;
}
