/**
 * layout is what the inside of the Terraform sandbox looks like: where the mounts appear, the CLI
 * configuration (providers from the mounted mirror only), the emulator's endpoint under its alias,
 * and the whole environment of a command.
 */
import { localAwsEnv } from "./guard.ts";
import { EMULATOR_ALIAS } from "./sandbox.ts";

/** SandboxedEmulator is what the runner needs to know about the running AWS emulator. */
export interface SandboxedEmulator {
  containerName: string;
  /** The endpoint on the host (for the guard; Terraform itself uses the sandbox alias). */
  endpoint: string;
  /** http://<container>:<port>: the port is the emulator's port inside its container. */
  clusterEndpoint: string;
  region: string;
}

/** MOUNT is where each mount appears in the sandbox. */
export const MOUNT = {
  config: "/kit/config",
  mirror: "/kit/mirror",
  bin: "/kit/bin",
  state: "/kit/state",
  data: "/kit/data",
};
/** SCRATCH_CONFIG is the writable copy of the configuration (kit writes its override beside the root module there). */
export const SCRATCH_CONFIG = "/kit/scratch/config";
/** CLI_CONFIG is the Terraform CLI configuration in the sandbox (TF_CLI_CONFIG_FILE). */
export const CLI_CONFIG = "/kit/scratch/kit.tfrc";

/** sandboxCliConfig installs hashicorp/aws from the mounted mirror and nothing from anywhere else. */
export function sandboxCliConfig(): string {
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = "${MOUNT.mirror}"`,
    '    include = ["registry.terraform.io/hashicorp/aws", "registry.opentofu.org/hashicorp/aws"]',
    "  }",
    "}",
    "",
  ].join("\n");
}

/** sandboxEndpoint is the emulator's endpoint as Terraform sees it in the sandbox. */
export function sandboxEndpoint(emulator: SandboxedEmulator): string {
  return `http://${EMULATOR_ALIAS}:${new URL(emulator.clusterEndpoint).port || "80"}`;
}

/** sandboxEnv builds the whole environment of a command in the sandbox: nothing comes from the user's shell unless named. */
export function sandboxEnv(options: {
  emulator: SandboxedEmulator;
  passEnv?: readonly string[];
  env?: NodeJS.ProcessEnv;
}): Record<string, string> {
  const passed: Record<string, string> = {};
  for (const name of options.passEnv ?? []) {
    const value = (options.env ?? process.env)[name];
    if (value !== undefined) passed[name] = value;
  }
  return {
    ...passed,
    ...localAwsEnv(sandboxEndpoint(options.emulator), options.emulator.region),
    HOME: "/kit/home",
    TF_CLI_CONFIG_FILE: CLI_CONFIG,
    TF_DATA_DIR: MOUNT.data,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
  };
}
