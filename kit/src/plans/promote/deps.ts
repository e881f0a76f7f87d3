/**
 * deps wires the promote plan to the real world: helm, the rollout engine, the gate records, the
 * AWS SDK (STS, ECR), crane for copies by digest, the Kubernetes API, and the environment's
 * Terraform: on the host with the caller's credentials for a real account, or in kit's local
 * sandbox against the emulator for a stand-in environment (one with endpointUrl).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { writeFileAtomic } from "../../atomic-file.ts";
import type { AwsEnvironmentConfig, KitConfig } from "../../config/schema.ts";
import { KitError } from "../../errors.ts";
import { chartIdentity, valuesHashes } from "../../gate/inputs.ts";
import { readGateRecords } from "../../gate/record.ts";
import { stateDir } from "../../paths.ts";
import { awsEnvironmentAccount } from "../../providers/aws/account.ts";
import { waitForNoTerminatingPods } from "../../providers/cluster/kube.ts";
import { checkContext, runningImageIds } from "../../providers/cluster/workloads.ts";
import { copyByDigest, digestOf } from "../../tools/crane/index.ts";
import { helmCli } from "../../tools/helm/client.ts";
import { awsEnvTerraform } from "../../tools/terraform/aws-env.ts";
import { writeRolloutReports } from "../rollout-deps.ts";
import { waitForHttpReady } from "../wait.ts";
import { standInTerraform } from "./stand-in-terraform.ts";
import type { Approver, EnvTerraform, ImageCopier, PromoteDeps, PromotionRecord } from "./types.ts";

/** crane answers this way for an image the registry does not hold. */
const NOT_THERE = /MANIFEST_UNKNOWN|NAME_UNKNOWN|NOT_FOUND|not found|404/i;

/** craneCopier is the ImageCopier that runs crane. */
export const craneCopier: ImageCopier = {
  async digestOf(ref, options) {
    try {
      return await digestOf(ref, { auth: options.auth, signal: options.signal });
    } catch (err) {
      if (err instanceof KitError && NOT_THERE.test(err.message)) return undefined;
      throw err;
    }
  },
  async copy(from, to, options) {
    const at = to.lastIndexOf(":");
    const tagged = at > to.lastIndexOf("/");
    const result = await copyByDigest({
      from,
      to: tagged ? to.slice(0, at) : to,
      ...(tagged ? { tag: to.slice(at + 1) } : {}),
      auth: options.auth,
      signal: options.signal,
      onLine: options.onLine,
    });
    return result.digest;
  },
};

/** envTerraform picks how an AWS environment's Terraform runs (see the file comment). */
function envTerraform(
  config: KitConfig,
  root: string,
  environment: string,
  env: AwsEnvironmentConfig,
): EnvTerraform {
  const dir = isAbsolute(env.terraformDir) ? env.terraformDir : join(root, env.terraformDir);
  const vars = { region: env.region, ...env.terraformVars };
  if (env.endpointUrl) return standInTerraform({ config, root, environment, env, dir, vars });
  const tf = awsEnvTerraform({ dir, binary: config.terraform.binary, vars });
  return {
    plan: (io) => tf.plan(io),
    apply: (planFile, io) => tf.apply(planFile, io),
    outputs: (signal) => tf.outputs(signal),
  };
}

/** realPromoteDeps are the dependencies `kit promote` runs with. */
export function realPromoteDeps(options: {
  config: KitConfig;
  root: string;
  environment: string;
  env: AwsEnvironmentConfig;
  reportDir: string;
  approver: Approver;
}): PromoteDeps {
  const { config, root, environment, env, reportDir } = options;
  const workDir = join(stateDir(root), "promote", environment);
  return {
    helm: helmCli,
    rollout: {
      runRollout: async (o, r) => (await import("../../rollout/index.ts")).runRollout(o, r),
      waitForPodsGone: (target, selector, signal) =>
        waitForNoTerminatingPods(target.cluster, target.namespace, selector, 3 * 60_000, signal),
      writeReports: writeRolloutReports,
    },
    gateRecords: (app) => readGateRecords(root, app),
    chartIdentity: (chart) => chartIdentity(root, chart),
    valuesHashes: async (app) => {
      const appConfig = config.apps[app];
      return appConfig ? valuesHashes(root, appConfig) : {};
    },
    account: awsEnvironmentAccount(env),
    terraform: envTerraform(config, root, environment, env),
    copier: craneCopier,
    kube: { checkContext, runningImageIds },
    approver: options.approver,
    waitForServing: (url, signal) =>
      waitForHttpReady(url, {
        signal,
        timeoutMs: 5 * 60_000,
        hint: `The release is installed but its entry point does not answer: look at the Ingress and the pods of ${environment}.`,
      }),
    async writeRecord(record: PromotionRecord) {
      const dir = join(stateDir(root), "promotions", environment);
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${record.startedAt.replaceAll(/[:.]/g, "")}.json`);
      const text = `${JSON.stringify(record, null, 2)}\n`;
      await writeFileAtomic(file, text);
      await mkdir(reportDir, { recursive: true });
      await writeFile(join(reportDir, `promotion-${environment}.json`), text);
      return file;
    },
    now: () => Date.now(),
    workDir,
  };
}
