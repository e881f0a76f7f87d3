/**
 * moto runs moto's server: every service moto emulates behind one endpoint, in memory, with no
 * runtime downloads. kit's default emulator (it needs no account or token).
 */

import { ensureKitImage } from "../../../images/kit-image.ts";
import { startEmulator } from "../emulator.ts";
import type {
  AwsEmulatorProvider,
  AwsEmulatorStartOptions,
  AwsService,
  RunningAwsEmulator,
} from "../types.ts";
import { MOTO_PIN } from "../versions.ts";

/** MOTO_PORT is the port moto's server listens on in its container. */
export const MOTO_PORT = 5000;

/** MOTO_SERVICES are the services kit checks on moto by default. */
export const MOTO_SERVICES: readonly AwsService[] = ["s3", "dynamodb", "iam", "sts", "ssm", "ecr"];

/** motoProvider starts moto (image built from PyPI, or motoserver/moto upstream). */
export const motoProvider: AwsEmulatorProvider = {
  name: "moto",
  services: MOTO_SERVICES,
  async start(options: AwsEmulatorStartOptions = {}): Promise<RunningAwsEmulator> {
    const image =
      options.image ??
      (options.imageSource === "upstream"
        ? MOTO_PIN.upstreamImage
        : await ensureKitImage(
            "moto",
            MOTO_PIN.version,
            { MOTO_VERSION: MOTO_PIN.version, AWSCLI_VERSION: MOTO_PIN.awscli },
            options,
          ));
    return startEmulator(
      {
        provider: "moto",
        image,
        port: MOTO_PORT,
        // AWS's managed policies (AmazonSSMManagedInstanceCore, ...) exist in every account; moto
        // has them only when asked, and Terraform that attaches one fails without them.
        env: { MOTO_PORT: String(MOTO_PORT), MOTO_IAM_LOAD_MANAGED_POLICIES: "true" },
        services: MOTO_SERVICES,
        resetPath: "/moto-api/reset",
      },
      options,
    );
  },
};
