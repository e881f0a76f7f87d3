/**
 * aws-env runs an AWS environment's Terraform the way its CD does: on the host, with the caller's
 * AWS credentials and the environment's own backend, `init`, then `plan -out` to a saved file
 * (shown as JSON for approval), then `apply` of exactly that file. It never writes an emulator
 * override: local mode (terraform.ts) is the only one that does, in its sandbox.
 */
import { wrapError } from "../../errors.ts";
import { run } from "../../exec/index.ts";
import { resolveTerraformBinary, type TerraformBinarySetting } from "./binary.ts";
import { countPlan, hashPlanFile, type PlanCounts } from "./saved-plan.ts";

/** SavedPlan is a plan written to a file, with its counts and hash. */
export interface SavedPlan extends PlanCounts {
  planFile: string;
  planHash: string;
}

/** AwsEnvTerraformOptions say which configuration to run with which inputs. */
export interface AwsEnvTerraformOptions {
  /** The environment's root module (absolute). */
  dir: string;
  binary: TerraformBinarySetting;
  vars: Record<string, string>;
  /** Variables added to the caller's environment (never replacing their credentials). */
  env?: Record<string, string>;
}

type Io = { signal: AbortSignal; onLine?: (line: string) => void };

/** awsEnvTerraform returns plan/apply/outputs for an AWS environment's Terraform. */
export function awsEnvTerraform(options: AwsEnvTerraformOptions) {
  const env = { TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1", ...options.env };
  const varArgs = Object.entries(options.vars).flatMap(([k, v]) => ["-var", `${k}=${v}`]);
  let initialized = false;
  const tf = async (args: string[], io: Io, quiet = false): Promise<string> => {
    const binary = await resolveTerraformBinary(options.binary, { signal: io.signal, onLine: io.onLine });
    try {
      const result = await run(binary.path, args, {
        cwd: options.dir,
        env,
        signal: io.signal,
        onLine: quiet ? undefined : io.onLine,
        timeoutMs: 60 * 60_000,
        hint: `Run \`${binary.flavor} ${args[0]}\` in ${options.dir} with the same credentials to see the whole output.`,
      });
      return result.stdout;
    } catch (err) {
      throw wrapError(err, `${binary.flavor} ${args[0]} in ${options.dir}`);
    }
  };
  const init = async (io: Io): Promise<void> => {
    if (initialized) return;
    await tf(["init", "-input=false", "-no-color"], io);
    initialized = true;
  };
  return {
    /** plan writes a saved plan to out and returns what it would do. */
    async plan(io: Io & { out: string }): Promise<SavedPlan> {
      await init(io);
      await tf(["plan", "-input=false", "-no-color", "-lock-timeout=5m", `-out=${io.out}`, ...varArgs], io);
      const counts = countPlan(await tf(["show", "-json", io.out], io, true));
      return { ...counts, planFile: io.out, planHash: await hashPlanFile(io.out) };
    },
    /** apply applies exactly the saved plan (Terraform refuses it when the state moved since). */
    async apply(planFile: string, io: Io): Promise<void> {
      await init(io);
      await tf(["apply", "-input=false", "-no-color", "-lock-timeout=5m", planFile], io);
    },
    /** outputs returns `output -json` values by name. */
    async outputs(signal: AbortSignal): Promise<Record<string, unknown>> {
      await init({ signal });
      const raw = JSON.parse((await tf(["output", "-json"], { signal }, true)) || "{}") as Record<
        string,
        { value: unknown }
      >;
      return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
    },
  };
}
