/**
 * stand-in-terraform runs the Terraform of a stand-in AWS environment (one whose endpointUrl points
 * at an AWS emulator) the way local Terraform runs: in kit's sandbox, on a network shared only with
 * that emulator, with the offline provider mirror and the configuration's backend replaced by a
 * local state under .kit/promote/<env>/. So a stand-in can never reach real AWS either.
 */
import { join, relative } from "node:path";
import { localEnvironmentName } from "../../config/environment.ts";
import type { AwsEnvironmentConfig, KitConfig } from "../../config/schema.ts";
import { UserError } from "../../errors.ts";
import { run } from "../../exec/index.ts";
import { stateDir } from "../../paths.ts";
import { countPlan, hashPlanFile } from "../../tools/terraform/saved-plan.ts";
import { type SandboxedEmulator, sandboxedTerraform } from "../../tools/terraform/terraform.ts";
import type { EnvTerraform } from "./types.ts";

/** emulatorBehind finds the emulator container that publishes endpointUrl's port on the host. */
export async function emulatorBehind(
  endpointUrl: string,
  region: string,
  signal: AbortSignal,
): Promise<SandboxedEmulator> {
  const port = new URL(endpointUrl).port || "80";
  const names = await run("docker", ["ps", "--filter", `publish=${port}`, "--format", "{{.Names}}"], {
    signal,
    timeoutMs: 30_000,
  });
  const name = names.stdout.split("\n").find(Boolean);
  if (!name) {
    throw new UserError(`no running container publishes the stand-in's endpointUrl ${endpointUrl}.`, {
      hint: "Start the AWS emulator the stand-in environment uses, or fix endpointUrl in kit.config.yaml.",
    });
  }
  const ports = await run("docker", ["inspect", "--format", "{{json .NetworkSettings.Ports}}", name], {
    signal,
    timeoutMs: 30_000,
  });
  const bindings = JSON.parse(ports.stdout) as Record<string, { HostPort: string }[] | null>;
  const inner = Object.entries(bindings).find(([, b]) => (b ?? []).some((x) => x.HostPort === port))?.[0];
  return {
    containerName: name,
    endpoint: endpointUrl,
    clusterEndpoint: `http://${name}:${(inner ?? "4566/tcp").split("/")[0]}`,
    region,
  };
}

/** standInTerraform is the EnvTerraform of a stand-in environment. */
export function standInTerraform(options: {
  config: KitConfig;
  root: string;
  environment: string;
  env: AwsEnvironmentConfig;
  dir: string;
  vars: Record<string, string>;
}): EnvTerraform {
  const { config, root, environment, env } = options;
  const work = join(stateDir(root), "promote", environment, "terraform");
  const open = async (signal: AbortSignal, onLine?: (line: string) => void) => {
    const tf = await sandboxedTerraform({
      // Named by the local environment, whose emulator it shares: never another environment's sandbox.
      project: localEnvironmentName(config),
      configRoot: root,
      moduleDir: relative(root, options.dir),
      emulator: await emulatorBehind(env.endpointUrl ?? "", env.region, signal),
      stateFile: join(work, "terraform.tfstate"),
      dataDir: join(work, "data"),
      vars: options.vars,
      binary: config.terraform.binary,
      localBackend: true,
      signal,
      onLine,
    });
    await tf.init();
    return tf;
  };
  const using = async <T>(
    signal: AbortSignal,
    onLine: ((line: string) => void) | undefined,
    fn: (tf: Awaited<ReturnType<typeof open>>) => Promise<T>,
  ): Promise<T> => {
    const tf = await open(signal, onLine);
    try {
      return await fn(tf);
    } finally {
      await tf.close();
    }
  };
  return {
    plan: ({ signal, onLine }) =>
      using(signal, onLine, async (tf) => {
        const planFile = await tf.plan({ out: join(work, "data", "plans", "tfplan") });
        const counts = countPlan(JSON.stringify(await tf.showPlan(planFile)));
        return { ...counts, planFile, planHash: await hashPlanFile(planFile) };
      }),
    apply: (planFile, { signal, onLine }) => using(signal, onLine, (tf) => tf.apply(planFile)),
    outputs: (signal) => using(signal, undefined, (tf) => tf.output()),
  };
}
