/**
 * emulatorCli runs the AWS CLI inside a running emulator's container, against that emulator, in
 * region, and parses its JSON answer (undefined for an empty one).
 */
import { run } from "../../src/exec/index.ts";
import type { RunningAwsEmulator } from "../../src/providers/aws/index.ts";

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
