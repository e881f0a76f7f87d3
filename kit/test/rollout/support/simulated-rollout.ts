/**
 * simulateRollout plays a one-replica rolling update on loopback, the way a Deployment controller,
 * the kubelet and kube-proxy would, with real servers behind a real TCP forwarder, while the real
 * probe runs. It writes the timeline a Kubernetes watch would have produced. Each scenario holds
 * one fault (or none), so recordings of these runs are the analyzer's fixtures.
 */

import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { type ProbeSettings, startProbe } from "../../../src/rollout/probe/index.ts";
import type { RolloutRecording, TimelineEvent } from "../../../src/rollout/types.ts";
import { KubeProxy } from "./kube-proxy.ts";
import { PodServer, type SigtermBehaviour } from "./pod-server.ts";

/** PodSpec is how a simulated pod behaves. */
export interface PodSpec {
  onSigterm: SigtermBehaviour;
  /** App-side drain delay after SIGTERM. */
  drainDelayMs: number;
  /** preStop sleep before SIGTERM. */
  preStopMs: number;
  /** Time from container start until the app listens. */
  startupMs: number;
  readinessProbe: boolean;
  gracePeriodMs: number;
  /** Faults of the app itself (see PodServerOptions). */
  statusWhileDraining?: number;
  dropKeptAlive?: boolean;
  rootDelayMs?: number;
}

/** Scenario is one simulated rollout. */
export interface Scenario {
  name: string;
  description: string;
  maxSurge: number;
  maxUnavailable: number;
  oldPod: PodSpec;
  newPod: PodSpec;
  /** Time from a pod leaving endpoints to kube-proxy no longer routing new connections to it. */
  proxyLagMs: number;
  probe: Omit<ProbeSettings, "target">;
  /** Probe time before and after the rollout. */
  warmupMs: number;
  settleMs: number;
  /** Something that goes wrong before the upgrade, unrelated to it. */
  beforeUpgrade?: (oldPod: PodServer) => Promise<void>;
}

const correctPod: PodSpec = {
  onSigterm: "graceful",
  drainDelayMs: 1500,
  preStopMs: 0,
  startupMs: 300,
  readinessProbe: true,
  gracePeriodMs: 10_000,
};

const probe: Omit<ProbeSettings, "target"> = {
  keepAliveConnections: 4,
  requestsPerSecond: 60,
  freshConnectionsPerSecond: 20,
  streams: 4,
  webSockets: 4,
  slowRequests: 3,
  slowRequestMs: 1500,
  streamIntervalMs: 200,
  wsPingIntervalMs: 300,
  requestTimeoutMs: 3000,
};

const base = { maxSurge: 1, maxUnavailable: 0, proxyLagMs: 300, probe, warmupMs: 1500, settleMs: 3500 };

/** SCENARIOS are the simulated rollouts: a correct one and one per failure class. */
export const SCENARIOS: Record<string, Scenario> = {
  clean: {
    ...base,
    name: "clean",
    description:
      "surge 1 / unavailable 0, readiness probe, drain longer than kube-proxy lag, grace period long enough",
    oldPod: correctPod,
    newPod: correctPod,
  },
  "no-prestop-drain": {
    ...base,
    name: "no-prestop-drain",
    description: "the app stops listening at SIGTERM (no preStop, no drain delay) while kube-proxy lags 1 s",
    proxyLagMs: 1000,
    oldPod: { ...correctPod, drainDelayMs: 0 },
    newPod: { ...correctPod, drainDelayMs: 0 },
  },
  "exits-on-sigterm": {
    ...base,
    name: "exits-on-sigterm",
    description: "the app exits at once on SIGTERM (FAULT_ON_SIGTERM=exit)",
    proxyLagMs: 800,
    oldPod: { ...correctPod, onSigterm: "exit" },
    newPod: { ...correctPod, onSigterm: "exit" },
  },
  "ignores-sigterm": {
    ...base,
    name: "ignores-sigterm",
    description: "the app ignores SIGTERM (FAULT_ON_SIGTERM=ignore) and is killed after a 3 s grace period",
    oldPod: { ...correctPod, onSigterm: "ignore", gracePeriodMs: 3000 },
    newPod: { ...correctPod, onSigterm: "ignore", gracePeriodMs: 3000 },
    settleMs: 5000,
  },
  "grace-too-short": {
    ...base,
    name: "grace-too-short",
    description: "slow requests of 4 s, drain 500 ms, grace period 2 s",
    oldPod: { ...correctPod, drainDelayMs: 500, gracePeriodMs: 2000 },
    newPod: { ...correctPod, drainDelayMs: 500, gracePeriodMs: 2000 },
    probe: { ...probe, slowRequestMs: 4000 },
    settleMs: 6000,
  },
  "no-ready-pod": {
    ...base,
    name: "no-ready-pod",
    description:
      "one replica with maxUnavailable 1 and maxSurge 0: the old pod goes before the new one is ready",
    maxSurge: 0,
    maxUnavailable: 1,
    oldPod: { ...correctPod, drainDelayMs: 500 },
    newPod: { ...correctPod, drainDelayMs: 500, startupMs: 1500 },
  },
  "no-readiness-probe": {
    ...base,
    name: "no-readiness-probe",
    description: "no readiness probe: the new pod is ready at container start but listens 1.5 s later",
    oldPod: { ...correctPod, readinessProbe: false },
    newPod: { ...correctPod, readinessProbe: false, startupMs: 1500 },
  },
  "pod-error-status": {
    ...base,
    name: "pod-error-status",
    description: "the app answers 503 to every request while it drains",
    oldPod: { ...correctPod, statusWhileDraining: 503 },
    newPod: { ...correctPod, statusWhileDraining: 503 },
  },
  "in-flight-cut": {
    ...base,
    name: "in-flight-cut",
    description: "at the end of its drain the app drops kept-alive connections with requests in flight",
    oldPod: { ...correctPod, dropKeptAlive: true, rootDelayMs: 40 },
    newPod: { ...correctPod, dropKeptAlive: true, rootDelayMs: 40 },
  },
  unexplained: {
    ...base,
    name: "unexplained",
    description:
      "the old pod resets connections for 300 ms well before the upgrade; the rollout itself is clean",
    warmupMs: 4000,
    beforeUpgrade: async (pod) => {
      await sleep(200);
      pod.resetRequests = true;
      await sleep(300);
      pod.resetRequests = false;
      await sleep(2500);
    },
    oldPod: correctPod,
    newPod: correctPod,
  },
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface SimPod {
  name: string;
  spec: PodSpec;
  server: PodServer;
  port: number;
  gone: Promise<void>;
}

/** simulateRollout runs one scenario with the real probe and returns the recording. */
export async function simulateRollout(scenario: Scenario): Promise<RolloutRecording> {
  const timeline: TimelineEvent[] = [];
  const emit = (event: Omit<TimelineEvent, "time">): void => {
    timeline.push({ time: Date.now(), ...event });
  };
  const proxy = new KubeProxy();
  await proxy.listen();
  const startedAt = Date.now();
  emit({
    kind: "deployment-spec",
    owner: "app",
    replicas: 1,
    maxSurge: String(scenario.maxSurge),
    maxUnavailable: String(scenario.maxUnavailable),
    initial: true,
  });

  const createPod = async (name: string, spec: PodSpec, initial: boolean): Promise<SimPod> => {
    const port = await freePort();
    const server = new PodServer({
      pod: name,
      port,
      onSigterm: spec.onSigterm,
      drainDelayMs: spec.drainDelayMs,
      ...(spec.statusWhileDraining === undefined ? {} : { statusWhileDraining: spec.statusWhileDraining }),
      ...(spec.dropKeptAlive === undefined ? {} : { dropKeptAlive: spec.dropKeptAlive }),
      ...(spec.rootDelayMs === undefined ? {} : { rootDelayMs: spec.rootDelayMs }),
    });
    emit({
      kind: "pod-created",
      pod: name,
      owner: name.slice(0, name.lastIndexOf("-")),
      hasReadinessProbe: spec.readinessProbe,
      hasPreStop: spec.preStopMs > 0,
      gracePeriodSeconds: spec.gracePeriodMs / 1000,
      ...(initial ? { initial: true } : {}),
    });
    const listening = (async () => {
      if (!initial) await sleep(spec.startupMs);
      await server.listen();
    })();
    // Without a readiness probe the pod is Ready as soon as its container runs, listening or not.
    if (spec.readinessProbe || initial) await listening;
    emit({ kind: "pod-ready", pod: name, ...(initial ? { initial: true } : {}) });
    emit({ kind: "endpoint-ready", pod: name, ...(initial ? { initial: true } : {}) });
    proxy.add(port);
    const gone = server.exited.then((code) => {
      emit({
        kind: "container-terminated",
        pod: name,
        exitCode: code,
        reason: code === 137 ? "Error" : code === 0 ? "Completed" : "Error",
        detail: `exit code ${code}`,
      });
      emit({ kind: "pod-deleted", pod: name });
    });
    return { name, spec, server, port, gone };
  };

  const terminate = (pod: SimPod): Promise<void> => {
    emit({ kind: "pod-terminating", pod: pod.name, gracePeriodSeconds: pod.spec.gracePeriodMs / 1000 });
    emit({ kind: "endpoint-not-ready", pod: pod.name, detail: "terminating" });
    setTimeout(() => proxy.remove(pod.port), scenario.proxyLagMs);
    setTimeout(() => pod.server.sigterm(), pod.spec.preStopMs);
    const kill = setTimeout(() => pod.server.kill(), pod.spec.gracePeriodMs);
    return pod.gone.then(() => clearTimeout(kill));
  };

  const oldPod = await createPod("app-5d8f-old", scenario.oldPod, true);
  const handle = startProbe({ ...scenario.probe, target: proxy.url });
  emit({ kind: "probe-started" });
  await sleep(scenario.warmupMs);
  await scenario.beforeUpgrade?.(oldPod.server);
  emit({ kind: "upgrade-started", detail: scenario.description });
  emit({ kind: "rs-scaled", owner: "app-7c9a", replicas: 1, previousReplicas: 0 });
  if (scenario.maxSurge === 0) {
    emit({ kind: "rs-scaled", owner: "app-5d8f", replicas: 0, previousReplicas: 1 });
    await terminate(oldPod);
    await createPod("app-7c9a-new", scenario.newPod, false);
  } else {
    if (!scenario.newPod.readinessProbe) {
      // The new pod is Ready at container start: the controller moves on while it is still starting.
      const creating = createPod("app-7c9a-new", scenario.newPod, false);
      await sleep(50);
      emit({ kind: "rs-scaled", owner: "app-5d8f", replicas: 0, previousReplicas: 1 });
      const stopping = terminate(oldPod);
      await creating;
      await stopping;
    } else {
      await createPod("app-7c9a-new", scenario.newPod, false);
      emit({ kind: "rs-scaled", owner: "app-5d8f", replicas: 0, previousReplicas: 1 });
      await terminate(oldPod);
    }
  }
  emit({ kind: "upgrade-finished" });
  await sleep(scenario.settleMs);
  const records = await handle.stop({ drainMs: 500 });
  emit({ kind: "probe-stopped" });
  const endedAt = Date.now();
  await proxy.close();
  return {
    startedAt,
    endedAt,
    records: [...records],
    timeline,
    meta: { scenario: scenario.name, description: scenario.description },
  };
}
