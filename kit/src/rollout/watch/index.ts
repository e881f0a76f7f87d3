/**
 * watch follows a Helm release's pods, ReplicaSets, Deployments, EndpointSlices and Events through
 * the Kubernetes API (list, then watch from the list's resourceVersion, re-watching when the
 * server ends a watch) and turns them into timeline events stamped with the local clock, the same
 * clock the probe uses.
 */
import {
  AppsV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  type KubernetesObject,
  Watch,
} from "@kubernetes/client-node";
import { errorMessage, UserError } from "../../errors.ts";
import type { TimelineEvent } from "../types.ts";
import {
  DeploymentTracker,
  kubeEventToTimeline,
  PodTracker,
  ReplicaSetTracker,
  SliceTracker,
  type WatchEventType,
} from "./trackers.ts";

export {
  DeploymentTracker,
  kubeEventToTimeline,
  PodTracker,
  ReplicaSetTracker,
  SliceTracker,
  type WatchEventType,
} from "./trackers.ts";

/** WatchOptions select the cluster and the objects to follow. */
export interface WatchOptions {
  /** kubeconfig file; default: $KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
  /** kubeconfig context; default: the current one. */
  context?: string;
  namespace: string;
  /** Label selector of the release's objects; default app.kubernetes.io/instance=<release>. */
  labelSelector: string;
  /** Called with each timeline event as it happens. */
  onEvent?: (event: TimelineEvent) => void;
  /** Called when a watch fails and is restarted (for logs). */
  onWarning?: (message: string) => void;
}

/** RolloutWatch is a running set of watches. */
export interface RolloutWatch {
  readonly timeline: readonly TimelineEvent[];
  /** stop ends every watch and returns the timeline. */
  stop(): Promise<TimelineEvent[]>;
}

interface ListResult {
  items: KubernetesObject[];
  metadata?: { resourceVersion?: string };
}

interface Resource {
  title: string;
  path: string;
  labelSelector?: string;
  list: () => Promise<ListResult>;
  handle: (type: WatchEventType, object: KubernetesObject, time: number, initial: boolean) => TimelineEvent[];
}

/** loadKubeConfig loads a kubeconfig and selects a context, failing with what to fix. */
export function loadKubeConfig(kubeconfig?: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (kubeconfig) kc.loadFromFile(kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new UserError(`cannot read kubeconfig ${kubeconfig ?? "(default)"}: ${errorMessage(err)}`, {
      hint: "Run `kit up` first, or pass --kubeconfig / --context for an existing cluster.",
    });
  }
  if (context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === context)) {
      throw new UserError(`kubeconfig has no context "${context}"`, {
        hint: `Known contexts: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(", ") || "none"
        }.`,
      });
    }
    kc.setCurrentContext(context);
  }
  return kc;
}

function isGone(err: unknown): boolean {
  const status = (err as { statusCode?: number; code?: number } | undefined) ?? {};
  return (
    status.statusCode === 410 ||
    status.code === 410 ||
    /\b410\b|too old resource version/i.test(errorMessage(err))
  );
}

/**
 * startWatch lists the release's objects (recording their state as `initial` events), then
 * watches them. It resolves once every initial list is in, so the caller can start traffic knowing
 * the timeline's starting state.
 */
export async function startWatch(options: WatchOptions): Promise<RolloutWatch> {
  const kc = loadKubeConfig(options.kubeconfig, options.context);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const { namespace, labelSelector } = options;
  const timeline: TimelineEvent[] = [];
  const emit = (events: TimelineEvent[]): void => {
    for (const event of events) {
      timeline.push(event);
      options.onEvent?.(event);
    }
  };

  const services = await core.listNamespacedService({ namespace, labelSelector }).catch((err: unknown) => {
    throw new UserError(
      `cannot list Services in namespace ${namespace} of the cluster: ${errorMessage(err)}`,
      {
        hint: "Check that the cluster is running (`kit status`) and that the kubeconfig context points at it.",
        cause: err,
      },
    );
  });
  const serviceNames = services.items
    .map((s) => s.metadata?.name)
    .filter((n): n is string => n !== undefined);
  const pods = new PodTracker();
  const replicaSets = new ReplicaSetTracker();
  const deployments = new DeploymentTracker();
  const knownPods = new Set<string>();
  const slices = new SliceTracker((pod) => serviceNames.length > 0 || knownPods.has(pod));
  const sliceSelector =
    serviceNames.length > 0 ? `kubernetes.io/service-name in (${serviceNames.join(",")})` : undefined;

  const resources: Resource[] = [
    {
      title: "pods",
      path: `/api/v1/namespaces/${namespace}/pods`,
      labelSelector,
      list: () => core.listNamespacedPod({ namespace, labelSelector }) as Promise<ListResult>,
      handle: (type, object, time, initial) => {
        if (object.metadata?.name) knownPods.add(object.metadata.name);
        return pods.update(type, object as never, time, initial);
      },
    },
    {
      title: "replicasets",
      path: `/apis/apps/v1/namespaces/${namespace}/replicasets`,
      labelSelector,
      list: () => apps.listNamespacedReplicaSet({ namespace, labelSelector }) as Promise<ListResult>,
      handle: (type, object, time, initial) => replicaSets.update(type, object as never, time, initial),
    },
    {
      title: "deployments",
      path: `/apis/apps/v1/namespaces/${namespace}/deployments`,
      labelSelector,
      list: () => apps.listNamespacedDeployment({ namespace, labelSelector }) as Promise<ListResult>,
      handle: (type, object, time, initial) => deployments.update(type, object as never, time, initial),
    },
    {
      title: "endpointslices",
      path: `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`,
      ...(sliceSelector === undefined ? {} : { labelSelector: sliceSelector }),
      list: () =>
        discovery.listNamespacedEndpointSlice({
          namespace,
          ...(sliceSelector === undefined ? {} : { labelSelector: sliceSelector }),
        }) as Promise<ListResult>,
      handle: (type, object, time, initial) => slices.update(type, object as never, time, initial),
    },
    {
      title: "events",
      path: `/api/v1/namespaces/${namespace}/events`,
      list: () => core.listNamespacedEvent({ namespace }) as Promise<ListResult>,
      handle: (_type, object, time, initial) => {
        if (initial) return [];
        const known = (kind: string, name: string): boolean =>
          (kind === "Pod" && knownPods.has(name)) ||
          (kind === "ReplicaSet" && replicaSets.names.includes(name)) ||
          (kind === "Deployment" && deployments.names.includes(name));
        const event = kubeEventToTimeline(object as never, time, known);
        return event ? [event] : [];
      },
    },
  ];

  const watch = new Watch(kc);
  let stopped = false;
  const controllers = new Set<AbortController>();
  const timers = new Set<NodeJS.Timeout>();

  const follow = async (resource: Resource): Promise<void> => {
    const listed = await resource.list();
    const now = Date.now();
    for (const item of listed.items) emit(resource.handle("ADDED", item, now, true));
    let resourceVersion = listed.metadata?.resourceVersion;
    const relist = async (): Promise<void> => {
      const again = await resource.list();
      const time = Date.now();
      for (const item of again.items) emit(resource.handle("MODIFIED", item, time, false));
      resourceVersion = again.metadata?.resourceVersion;
    };
    const restart = (delayMs: number, gone: boolean): void => {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        (gone ? relist() : Promise.resolve())
          .then(() => begin())
          .catch((err: unknown) => {
            options.onWarning?.(`watch of ${resource.title} failed: ${errorMessage(err)}; retrying`);
            restart(1000, true);
          });
      }, delayMs);
      timers.add(timer);
    };
    const begin = async (): Promise<void> => {
      if (stopped) return;
      let gone = false;
      const controller = await watch.watch(
        resource.path,
        {
          allowWatchBookmarks: true,
          ...(resourceVersion === undefined ? {} : { resourceVersion }),
          ...(resource.labelSelector === undefined ? {} : { labelSelector: resource.labelSelector }),
        },
        (phase, object: KubernetesObject & { code?: number }) => {
          if (phase === "ERROR") {
            gone = object.code === 410;
            return;
          }
          if (object.metadata?.resourceVersion) resourceVersion = object.metadata.resourceVersion;
          if (phase === "BOOKMARK") return;
          emit(resource.handle(phase as WatchEventType, object, Date.now(), false));
        },
        (err: unknown) => {
          controllers.delete(controller);
          if (stopped) return;
          const isGoneNow = gone || (err !== null && err !== undefined && isGone(err));
          if (err) options.onWarning?.(`watch of ${resource.title} ended: ${errorMessage(err)}; re-watching`);
          restart(isGoneNow ? 0 : 200, isGoneNow);
        },
      );
      controllers.add(controller);
    };
    await begin();
  };

  try {
    await Promise.all(resources.map((r) => follow(r)));
  } catch (err) {
    stopped = true;
    for (const c of controllers) c.abort();
    throw new UserError(
      `cannot watch namespace ${namespace} with selector ${labelSelector}: ${errorMessage(err)}`,
      {
        hint: "Check that the cluster is running and the kubeconfig user may list and watch pods, replicasets, deployments, endpointslices and events.",
        cause: err,
      },
    );
  }

  return {
    timeline,
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      for (const controller of controllers) controller.abort();
      controllers.clear();
      return timeline;
    },
  };
}
