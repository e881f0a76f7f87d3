/**
 * emulator is the shared start sequence of both AWS emulators: start (or reuse) the labelled
 * container, wait until each needed service answers a real SDK call, run init hooks.
 */
import type { WaitStrategy } from "testcontainers";
import {
  connectToNetwork,
  removeContainer,
  startManagedContainer,
  stopContainer,
} from "../database/container.ts";
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
  waitStrategy?: WaitStrategy;
}

/** emulatorContainerName is the container name of a project's emulator. */
export function emulatorContainerName(project: string): string {
  return `kit-${project}-aws`;
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
    labels: { "dev.kit.provider": spec.provider },
  });
  const endpoint = `http://${container.host}:${container.hostPort}`;
  const services = options.services ?? [...spec.services];
  await waitForServices(endpoint, region, services, { signal: options.signal });
  const hooksRun = await runReadyHooks(
    name,
    options.initDir,
    {
      AWS_ENDPOINT_URL: `http://127.0.0.1:${spec.port}`,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_DEFAULT_REGION: region,
      KIT_EMULATOR: spec.provider,
    },
    options,
  );
  return {
    provider: spec.provider,
    endpoint,
    clusterEndpoint: `http://${name}:${spec.port}`,
    region,
    credentials: { ...EMULATOR_CREDENTIALS },
    containerName: name,
    containerId: container.id,
    reused: container.reused,
    readyServices: services,
    hooksRun,
    connectToNetwork: (network) => connectToNetwork(name, network),
    stop: () => stopContainer(name),
    remove: () => removeContainer(name),
  };
}
