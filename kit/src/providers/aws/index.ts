/**
 * aws is kit's AWS emulator beside the cluster: one endpoint for the SDK, tflocal and the apps.
 * Two providers share one interface (types.ts): `moto` (the default; needs nothing) and
 * `localstack` (chosen, or picked by `auto` when given a LocalStack token: LOCALSTACK_AUTH_TOKEN).
 */
import { type ImageSource, type ImageSourceSetting, resolveImageSource } from "../../images/source.ts";
import { inspectContainer, PROVIDER_LABEL, removeKitContainers } from "../container/index.ts";
import { emulatorContainerName } from "./emulator.ts";
import { localstackProvider } from "./localstack/index.ts";
import { motoProvider } from "./moto/index.ts";
import type {
  AwsEmulatorName,
  AwsEmulatorProvider,
  AwsEmulatorStartOptions,
  RunningAwsEmulator,
} from "./types.ts";

export { emulatorClientConfig, probeService, waitForServices } from "./ready.ts";
export type {
  AwsEmulatorName,
  AwsEmulatorProvider,
  AwsEmulatorStartOptions,
  AwsService,
  RunningAwsEmulator,
} from "./types.ts";
export { EMULATOR_CREDENTIALS } from "./types.ts";

/** AWS_EMULATORS registers every emulator by name. */
export const AWS_EMULATORS: Record<AwsEmulatorName, AwsEmulatorProvider> = {
  moto: motoProvider,
  localstack: localstackProvider,
};

/** AwsEmulatorSetting is what kit.config.yaml (aws.emulator) or KIT_AWS_EMULATOR may say. */
export type AwsEmulatorSetting = AwsEmulatorName | "auto";

/**
 * chooseAwsEmulator resolves the setting (kit.config.yaml's, after KIT_AWS_EMULATOR; see
 * config/env-overrides.ts): auto is LocalStack when there is a LocalStack token, else moto.
 */
export function chooseAwsEmulator(setting: AwsEmulatorSetting, hasLocalstackToken: boolean): AwsEmulatorName {
  if (setting === "auto") return hasLocalstackToken ? "localstack" : "moto";
  return setting;
}

/** StartAwsEmulatorOptions add the choice to the start options. */
export interface StartAwsEmulatorOptions extends AwsEmulatorStartOptions {
  emulator?: AwsEmulatorSetting;
  /** Resolved when imageSource is absent; default auto. */
  imageSourceSetting?: ImageSourceSetting;
}

/** startAwsEmulator starts (or reuses) the project's emulator, waits for readiness and runs init hooks. */
export async function startAwsEmulator(options: StartAwsEmulatorOptions = {}): Promise<RunningAwsEmulator> {
  const imageSource: ImageSource =
    options.imageSource ?? (await resolveImageSource(options.imageSourceSetting ?? "auto"));
  const name = chooseAwsEmulator(options.emulator ?? "auto", Boolean(options.localstackToken));
  return AWS_EMULATORS[name].start({ ...options, imageSource });
}

/** AwsEmulatorStatus is what `kit status` shows about the emulator. */
export interface AwsEmulatorStatus {
  exists: boolean;
  running: boolean;
  provider?: string;
  endpoint?: string;
}

/** awsEmulatorStatus says whether the project's emulator container exists and runs, and its host endpoint. */
export async function awsEmulatorStatus(project: string): Promise<AwsEmulatorStatus> {
  const info = await inspectContainer(emulatorContainerName(project));
  if (!info) return { exists: false, running: false };
  const provider = info.Config.Labels?.[PROVIDER_LABEL];
  const binding = Object.values(info.NetworkSettings.Ports)
    .flatMap((b) => b ?? [])
    .find((b) => b.HostPort);
  // A paused emulator (kit stop) is not running for anyone who calls it.
  const running = info.State.Running && !info.State.Paused;
  return {
    exists: true,
    running,
    provider,
    endpoint: running && binding ? `http://127.0.0.1:${binding.HostPort}` : undefined,
  };
}

/** removeAwsEmulators removes every kit emulator container of a project (state is in memory). */
export async function removeAwsEmulators(project: string): Promise<void> {
  await removeKitContainers({ project, component: "aws" });
}
