/**
 * The up plan's two Terraform steps: `terraform-tools` (terraform and the AWS provider in kit's
 * offline mirror, built from the Go module proxy on a new machine) and `terraform` (the local
 * environment applied to the emulator, skipped while nothing it reads changed since the last apply).
 */
import type { KitConfig } from "../config/schema.ts";
import type { Step, StepContext } from "../engine/plan.ts";
import { UserError } from "../errors.ts";
import type { RunningAwsEmulator } from "../providers/aws/index.ts";
import type { GoBuildOptions } from "../tools/go-build.ts";
import type { TerraformBinary, TerraformBinarySetting } from "../tools/terraform/binary.ts";
import type { ProviderMirror } from "../tools/terraform/mirror.ts";
import type { LocalTerraformOptions, TerraformOutputs } from "./terraform-local.ts";

/** LocalTerraformDeps are the Terraform operations of the up plan (UpDeps has the real ones). */
export interface LocalTerraformDeps {
  /** Whether the provider mirror already holds the pinned AWS provider. */
  providerMirrorReady(): boolean;
  findTerraformBinary(setting: TerraformBinarySetting): Promise<TerraformBinary | undefined>;
  ensureProviderMirror(options: GoBuildOptions): Promise<ProviderMirror>;
  resolveTerraformBinary(setting: TerraformBinarySetting, options: GoBuildOptions): Promise<TerraformBinary>;
  /** The recorded outputs when the local Terraform is unchanged since its last apply against this emulator. */
  unchangedLocalTerraform(options: LocalTerraformOptions): Promise<TerraformOutputs | undefined>;
  applyLocalTerraform(options: LocalTerraformOptions): Promise<TerraformOutputs>;
}

export interface LocalTerraformStepsOptions {
  config: KitConfig;
  root: string;
  /** The environment's name: the project of its state and sandbox. */
  project: string;
  /** Where the environment keeps its Terraform state. */
  stateDir: string;
  toolchain: Step<unknown>;
  emulator: Step<RunningAwsEmulator>;
  deps: LocalTerraformDeps;
}

export function localTerraformSteps(options: LocalTerraformStepsOptions): {
  tools: Step<{ built: boolean; flavor: string }>;
  apply: Step<TerraformOutputs>;
} {
  const { config, root, toolchain, emulator: emulatorStep, deps } = options;
  const terraformOptions = (ctx: StepContext): LocalTerraformOptions => {
    const envConfig = config.environments.local;
    if (!envConfig) throw new UserError("kit.config.yaml has no `local` environment.");
    return {
      root,
      project: options.project,
      dir: envConfig.terraformDir,
      stateDir: options.stateDir,
      emulator: ctx.resultOf(emulatorStep),
      terraformBinary: config.terraform.binary,
      passEnv: config.terraform.passEnv,
      signal: ctx.signal,
      onLine: (line: string) => ctx.log(line),
    };
  };
  // The AWS provider is the longest build on a new machine (about an hour on 2 cores): it starts
  // with the cluster and images, not after the emulator, and the apply waits for it.
  const terraformToolsStep: Step<{ built: boolean; flavor: string }> = {
    id: "terraform-tools",
    title: "terraform and its AWS provider",
    needs: [toolchain],
    async check() {
      const binary = deps.providerMirrorReady()
        ? await deps.findTerraformBinary(config.terraform.binary)
        : undefined;
      return binary
        ? { satisfied: true, value: { built: false, flavor: binary.flavor }, summary: "installed" }
        : { satisfied: false };
    },
    async apply(ctx) {
      const onLine = (line: string) => ctx.log(line);
      const mirror = await deps.ensureProviderMirror({ signal: ctx.signal, onLine });
      const binary = await deps.resolveTerraformBinary(config.terraform.binary, {
        signal: ctx.signal,
        onLine,
      });
      return { built: mirror.built, flavor: binary.flavor };
    },
    summarize: (tools) => `${tools.flavor} with hashicorp/aws${tools.built ? " (built)" : " (cached)"}`,
  };
  const terraformStep: Step<TerraformOutputs> = {
    id: "terraform",
    title: "terraform (local env, against the emulator)",
    needs: [toolchain, emulatorStep, terraformToolsStep],
    async check(ctx) {
      const outputs = await deps.unchangedLocalTerraform(terraformOptions(ctx));
      return outputs
        ? { satisfied: true, value: outputs, summary: "no changes since the last apply" }
        : { satisfied: false };
    },
    async apply(ctx) {
      return deps.applyLocalTerraform(terraformOptions(ctx));
    },
    summarize: (outputs) => `${Object.keys(outputs as object).length} output(s)`,
  };
  return { tools: terraformToolsStep, apply: terraformStep };
}
