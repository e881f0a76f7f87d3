/**
 * emulator is the shared start sequence of both AWS emulators: start (or reuse) the labelled
 * container, wait until each needed service answers a real SDK call, run init hooks. It also
 * resets an emulator through the emulator's own reset endpoint, for `kit up` to recover from
 * resources its Terraform state does not list.
 */
import type { WaitStrategy } from "testcontainers";
import { KitError } from "../../errors.ts";
import { docker } from "../../tools/docker.ts";
import {
  connectToNetwork,
  inspectContainer,
  PROVIDER_LABEL,
  removeContainer,
  startManagedContainer,
  stopContainer,
} from "../container/index.ts";
import { runReadyHooks } from "./hooks.ts";
import { waitForServices } from "./ready.ts";
import {
  type AwsEmulatorName,
  type AwsEmulatorStartOptions,
  type AwsService,
  EMULATOR_CREDENTIALS,
  type RunningAwsEmulator,
} from "./types.ts";

/** EmulatorContainer is what a provider decides: image, port, environment, services. */
export interface EmulatorContainer {
  provider: AwsEmulatorName;
  image: string;
  port: number;
  env: Record<string, string>;
  services: readonly AwsService[];
  /** The path of the emulator's endpoint that drops every resource (POST). */
  resetPath: string;
  waitStrategy?: WaitStrategy;
}

/** emulatorContainerName is the container name of an environment's emulator. */
export function emulatorContainerName(environment: string): string {
  return `kit-${environment}-aws`;
}

/** resetEmulator POSTs to the emulator's reset endpoint and fails with its answer unless it is 2xx. */
export async function resetEmulator(url: string, signal?: AbortSignal): Promise<void> {
  let status: string;
  try {
    const response = await fetch(url, {
      method: "POST",
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(60_000)]) : AbortSignal.timeout(60_000),
    });
    const body = await response.text();
    if (response.ok) return;
    status = `HTTP ${response.status} ${body.slice(0, 200)}`;
  } catch (err) {
    status = (err as Error).message;
  }
  throw new KitError("external", `resetting the AWS emulator at ${url} failed: ${status}`, {
    hint: "`kit down` and `kit up` start the emulator afresh (its state is in memory).",
  });
}

/** startEmulator runs the shared sequence for one provider's container. */
export async function startEmulator(
  spec: EmulatorContainer,
  options: AwsEmulatorStartOptions,
): Promise<RunningAwsEmulator> {
  const project = options.project ?? "kit";
  const region = options.region ?? "us-east-1";
  const name = emulatorContainerName(project);
  const container = await startManagedContainer({
    name,
    image: spec.image,
    project,
    component: "aws",
    port: spec.port,
    hostPort: options.hostPort,
    env: { AWS_DEFAULT_REGION: region, ...spec.env, ...options.env },
    waitStrategy: spec.waitStrategy,
    startupTimeoutMs: 180_000,
    labels: { [PROVIDER_LABEL]: spec.provider },
  });
  const endpoint = `http://${container.host}:${container.hostPort}`;
  const services = options.services ?? [...spec.services];
  await waitForServices(endpoint, region, services, { signal: options.signal });
  const hookEnv = {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${spec.port}`,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: region,
    KIT_EMULATOR: spec.provider,
  };
  const hooksRun = await runReadyHooks(name, options.initDir, hookEnv, options);
  const startedAt = (await inspectContainer(name))?.State.StartedAt ?? "";
  const resetEndpoint = `${endpoint}${spec.resetPath}`;
  return {
    provider: spec.provider,
    endpoint,
    clusterEndpoint: `http://${name}:${spec.port}`,
    region,
    credentials: { ...EMULATOR_CREDENTIALS },
    containerName: name,
    containerId: container.id,
    startedAt,
    reused: container.reused,
    readyServices: services,
    hooksRun,
    resetEndpoint,
    async reset(resetOptions = {}) {
      await resetEmulator(resetEndpoint, resetOptions.signal);
      // The hooks' markers say they ran against the state just dropped: run them again.
      await docker(["exec", name, "sh", "-c", "rm -f /dev/shm/kit-init-*"], resetOptions);
      await runReadyHooks(name, options.initDir, hookEnv, resetOptions);
    },
    connectToNetwork: (network) => connectToNetwork(name, network),
    stop: () => stopContainer(name),
    remove: () => removeContainer(name),
  };
}
