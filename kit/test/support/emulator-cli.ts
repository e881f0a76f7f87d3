/**
 * The AWS emulator as the Terraform apply tests use it: startTestMoto starts moto for one test file
 * under its own project name (images built or pulled as the user's KIT_IMAGES_SOURCE says), and
 * emulatorCli runs the AWS CLI inside a running emulator's container, against that emulator, in
 * region, and parses its JSON answer (undefined for an empty one).
 */
import { readEnvOverrides } from "../../src/config/env-overrides.ts";
import { run } from "../../src/exec/index.ts";
import { type RunningAwsEmulator, startAwsEmulator } from "../../src/providers/aws/index.ts";

/** startTestMoto starts (or reuses) moto under project, in region when given. */
export function startTestMoto(options: {
  project: string;
  region?: string;
  onLine?: (line: string) => void;
}): Promise<RunningAwsEmulator> {
  return startAwsEmulator({
    ...options,
    emulator: "moto",
    imageSourceSetting: readEnvOverrides(process.env).imagesSource,
  });
}

export async function emulatorCli(
  emulator: RunningAwsEmulator,
  region: string,
  args: string[],
): Promise<unknown> {
  const { stdout } = await run(
    "docker",
    ["exec", emulator.containerName, "awslocal", "--region", region, "--output", "json", ...args],
    { timeoutMs: 60_000 },
  );
  return stdout.trim() ? JSON.parse(stdout) : undefined;
}
