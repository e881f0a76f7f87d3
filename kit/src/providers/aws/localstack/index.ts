/**
 * localstack runs LocalStack: the last open-source release (localstack-core 4.14.0) built from PyPI
 * where images are built locally, or the published image with a LocalStack token (localstackToken,
 * from LOCALSTACK_AUTH_TOKEN) for users who have one. In the locally built image no service may
 * download artifacts at runtime, so DynamoDB (DynamoDB Local, a Java download) is not in its
 * readiness set; see ../README.md.
 */

import { ensureKitImage } from "../../../images/kit-image.ts";
import { startEmulator } from "../emulator.ts";
import type {
  AwsEmulatorProvider,
  AwsEmulatorStartOptions,
  AwsService,
  RunningAwsEmulator,
} from "../types.ts";
import { LOCALSTACK_PIN } from "../versions.ts";

/** LOCALSTACK_PORT is LocalStack's edge port. */
export const LOCALSTACK_PORT = 4566;

/** LOCALSTACK_OFFLINE_SERVICES answer in the locally built image with no runtime download. */
export const LOCALSTACK_OFFLINE_SERVICES: readonly AwsService[] = ["s3", "iam", "sts", "ssm"];

/** localstackBuildArgs are the build arguments of kit/images/localstack. */
export function localstackBuildArgs(): Record<string, string> {
  return {
    LOCALSTACK_VERSION: LOCALSTACK_PIN.version,
    RESOLVE_BEFORE: LOCALSTACK_PIN.resolveBefore,
    UV_VERSION: LOCALSTACK_PIN.uv,
  };
}

/** localstackProvider starts LocalStack. */
export const localstackProvider: AwsEmulatorProvider = {
  name: "localstack",
  services: LOCALSTACK_OFFLINE_SERVICES,
  async start(options: AwsEmulatorStartOptions = {}): Promise<RunningAwsEmulator> {
    const upstream = options.imageSource === "upstream";
    const image =
      options.image ??
      (upstream
        ? LOCALSTACK_PIN.upstreamImage
        : await ensureKitImage("localstack", LOCALSTACK_PIN.version, localstackBuildArgs(), {
            ...options,
            debianSuite: LOCALSTACK_PIN.debianSuite,
          }));
    const env: Record<string, string> = { GATEWAY_LISTEN: `0.0.0.0:${LOCALSTACK_PORT}` };
    if (options.localstackToken) env.LOCALSTACK_AUTH_TOKEN = options.localstackToken;
    // Published images download DynamoDB Local on first use, which works where the internet does.
    const services: AwsService[] = upstream
      ? [...LOCALSTACK_OFFLINE_SERVICES, "dynamodb"]
      : [...LOCALSTACK_OFFLINE_SERVICES];
    return startEmulator(
      {
        provider: "localstack",
        image,
        port: LOCALSTACK_PORT,
        env,
        services,
        resetPath: "/_localstack/state/reset",
      },
      options,
    );
  },
};
