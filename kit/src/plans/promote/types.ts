/**
 * types holds what the promote plan acts through (each a small interface, passed in, so the
 * plan's graph is unit-tested with fakes) and what it produces (the promotion record).
 */
import type { AwsEnvironmentConfig, KitConfig } from "../../config/schema.ts";
import type { ChartIdentity } from "../../gate/inputs.ts";
import type { GateRecord } from "../../gate/record.ts";
import type { ClusterRef } from "../../providers/cluster/types.ts";
import type { HelmClient } from "../../tools/helm/client.ts";
import type { RolloutDeps } from "../rollout.ts";
import type { RolloutTarget } from "../targets.ts";

/** PromoteRequest is what `kit promote <env> [app...]` was asked to do. */
export interface PromoteRequest {
  config: KitConfig;
  root: string;
  /** The AWS environment's name in kit.config.yaml. */
  environment: string;
  env: AwsEnvironmentConfig;
  apps: string[];
  /** Where the apps go (the environment's context, namespace, entry points). */
  target: RolloutTarget;
  /** Where the gate ran and the images are (the local environment). */
  source: RolloutTarget;
  /** The local registry, as the host reaches it (localhost:5001). */
  sourceRegistry: string;
  /** --approve: the Terraform plan is approved without asking. */
  approved: boolean;
  dryRun: boolean;
  reportDir: string;
}

/** TerraformPlanSummary is a saved plan and what it would do. */
export interface TerraformPlanSummary {
  planFile: string;
  /** sha256 of the saved plan file: the record names exactly what was approved and applied. */
  planHash: string;
  changes: boolean;
  add: number;
  change: number;
  destroy: number;
  resources: { address: string; actions: string[] }[];
}

/** EnvTerraform runs an AWS environment's Terraform: plan to a file, apply exactly that file. */
export interface EnvTerraform {
  plan(options: {
    out: string;
    signal: AbortSignal;
    onLine: (line: string) => void;
  }): Promise<TerraformPlanSummary>;
  apply(planFile: string, options: { signal: AbortSignal; onLine: (line: string) => void }): Promise<void>;
  outputs(signal: AbortSignal): Promise<Record<string, unknown>>;
}

/** Approval is how a Terraform plan was approved (or not). */
export interface Approval {
  approved: boolean;
  /** "--approve", "terminal (user@host)", ... */
  by: string;
}

/** Approver asks a person to approve a plan (the terminal UI, or a prompt on a TTY). */
export interface Approver {
  approve(
    request: { environment: string; summary: TerraformPlanSummary },
    signal: AbortSignal,
  ): Promise<Approval>;
}

/** RegistryCredentials log in to one registry. */
export interface RegistryCredentials {
  registry: string;
  username: string;
  password: string;
}

/** ImageCopier copies images between registries by digest (crane). */
export interface ImageCopier {
  /** The digest of ref in its registry, or undefined when it is not there. */
  digestOf(
    ref: string,
    options: { auth?: RegistryCredentials; signal: AbortSignal },
  ): Promise<string | undefined>;
  /** Copies from to to without rebuilding and returns the digest at the destination. */
  copy(
    from: string,
    to: string,
    options: { auth?: RegistryCredentials; signal: AbortSignal; onLine: (line: string) => void },
  ): Promise<string>;
}

/** AwsAccount answers for the environment's AWS account (STS, ECR). */
export interface AwsAccount {
  callerIdentity(signal: AbortSignal): Promise<{ account: string; arn: string }>;
  ecrCredentials(registry: string, signal: AbortSignal): Promise<RegistryCredentials>;
}

/** KubeAccess checks a cluster and reads what runs on it. */
export interface KubeAccess {
  /** Fails (with what to do) when the context is missing from the kubeconfig or does not answer. */
  checkContext(cluster: ClusterRef, signal: AbortSignal): Promise<void>;
  /** The imageIDs of the running containers of the selector's pods. */
  runningImageIds(
    cluster: ClusterRef,
    namespace: string,
    selector: string,
    signal: AbortSignal,
  ): Promise<string[]>;
}

/** PromoteDeps are everything the promote plan acts through. */
export interface PromoteDeps {
  helm: HelmClient;
  rollout: Pick<RolloutDeps, "runRollout" | "waitForPodsGone" | "writeReports">;
  gateRecords(app: string): Promise<GateRecord[]>;
  chartIdentity(chart: string): Promise<ChartIdentity>;
  valuesHashes(app: string): Promise<Record<string, string>>;
  account: AwsAccount;
  terraform: EnvTerraform;
  copier: ImageCopier;
  kube: KubeAccess;
  approver: Approver;
  /** Waits until url answers 2xx (the previous revision serves again after a rollback). */
  waitForServing(url: string, signal: AbortSignal): Promise<void>;
  writeRecord(record: PromotionRecord): Promise<string>;
  now(): number;
  /** Where the plan file and working files go (.kit/promote/<env>). */
  workDir: string;
}

/** AppPromotion is what happened to one app. */
export interface AppPromotion {
  app: string;
  digest: string;
  from: string;
  to?: string;
  gateRecord?: string;
  revisionBefore?: number;
  revisionAfter?: number;
  regate?: { ok: boolean; failures: { class: string; count: number }[]; report?: string };
  rolledBackTo?: number;
  outcome: "promoted" | "rolled-back" | "failed" | "refused" | "not-started" | "dry-run";
  reason?: string;
}

/** PromotionRecord is the evidence one `kit promote` leaves. */
export interface PromotionRecord {
  kind: "kit.dev/PromotionRecord";
  version: 1;
  environment: string;
  accountId: string;
  startedAt: string;
  finishedAt: string;
  dryRun: boolean;
  outcome: "promoted" | "rolled-back" | "failed" | "refused" | "cancelled" | "dry-run";
  terraform?: { planHash: string; add: number; change: number; destroy: number; applied: boolean };
  approval?: Approval;
  apps: AppPromotion[];
  kit: { version: string };
}
