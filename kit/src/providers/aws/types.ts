/**
 * types is the one interface both AWS emulators implement: one endpoint for the SDK, tflocal and
 * the apps, ready only when the services kit needs answer real calls.
 */

/** AwsEmulatorName lists the emulators. */
export type AwsEmulatorName = "moto" | "localstack";

/** AwsService names a service readiness can check with a real SDK call. */
export type AwsService = "s3" | "dynamodb" | "iam" | "sts" | "ssm" | "ecr";

/** AwsEmulatorStartOptions configure one emulator. */
export interface AwsEmulatorStartOptions {
  /** The environment's name: part of the container name and labels. Default "kit". */
  project?: string;
  region?: string;
  /** Host port to publish the endpoint on (kit.config.yaml aws.hostPort); random when absent. */
  hostPort?: number;
  /** "upstream" runs published images, "build" makes them locally. */
  imageSource?: "upstream" | "build";
  /** Image to run instead of the provider's default. */
  image?: string;
  /** Services that must answer before the emulator counts as ready; the provider's default set when absent. */
  services?: AwsService[];
  /** Directory of init hooks (e.g. <project>/localstack/init); ready.d/* run after readiness. */
  initDir?: string;
  /** LocalStack's auth token (LOCALSTACK_AUTH_TOKEN, read by config/env-overrides.ts): makes `auto` pick LocalStack. */
  localstackToken?: string;
  /** Environment for the container, over the provider's own. */
  env?: Record<string, string>;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

/** RunningAwsEmulator is a started, ready emulator. */
export interface RunningAwsEmulator {
  provider: AwsEmulatorName;
  /** Endpoint for the host (SDK, terraform, tflocal). */
  endpoint: string;
  /** Endpoint for pods in kind, once connectToNetwork("kind") ran. */
  clusterEndpoint: string;
  region: string;
  /** The fixed test credentials every emulator accepts. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  containerName: string;
  containerId: string;
  /** When the container last started: the emulator's in-memory state is as old as this. */
  startedAt: string;
  reused: boolean;
  /** Services readiness checked, with the time to ready. */
  readyServices: AwsService[];
  /** Init hooks that ran this time (file names), empty when they had already run in this container. */
  hooksRun: string[];
  /** The emulator's own endpoint that drops every resource it holds (moto: /moto-api/reset). */
  resetEndpoint: string;
  /** reset drops every resource the emulator holds and runs the init hooks again. */
  reset(options?: { signal?: AbortSignal; onLine?: (line: string) => void }): Promise<void>;
  connectToNetwork(network: string): Promise<void>;
  stop(): Promise<void>;
  remove(): Promise<void>;
}

/** AwsEmulatorProvider starts one kind of emulator. */
export interface AwsEmulatorProvider {
  name: AwsEmulatorName;
  /** Services this emulator serves without runtime downloads (the readiness default). */
  services: readonly AwsService[];
  start(options?: AwsEmulatorStartOptions): Promise<RunningAwsEmulator>;
}

/** EMULATOR_CREDENTIALS are the dummy credentials used against an emulator (never real ones). */
export const EMULATOR_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;
