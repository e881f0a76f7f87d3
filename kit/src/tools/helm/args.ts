/**
 * args holds what a helm command is made of: the release and upgrade types, the cluster flags and
 * the upgrade's command line, and the file kit's computed values reach helm in. Pure but for the
 * values file.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClusterRef } from "../../providers/cluster/types.ts";
import { nestValues } from "./values.ts";

/** HelmRelease is what `helm list -o json` says about one release. */
export interface HelmRelease {
  name: string;
  namespace: string;
  revision: string;
  status: string;
  chart: string;
  app_version: string;
}

/** UpgradeRequest describes one `helm upgrade --install`. */
export interface UpgradeRequest {
  release: string;
  chart: string;
  namespace: string;
  valuesFiles: string[];
  /**
   * kit's computed values (image digest, database URL, Terraform outputs, ...) as dotted keys; they
   * reach helm as a generated values file after valuesFiles, never on the command line.
   */
  set: Record<string, string>;
  /** --set pairs, whose values helm types (numbers such as a NodePort). */
  setTyped?: Record<string, string>;
  wait?: boolean;
  timeout?: string;
  /** Roll back automatically if the upgrade fails (helm --rollback-on-failure / --atomic). */
  atomic?: boolean;
}

/** kubeArgs points helm at one cluster: an explicit kubeconfig and context, never the current one. */
export const kubeArgs = (cluster: ClusterRef): string[] => [
  "--kubeconfig",
  cluster.kubeconfigPath,
  "--kube-context",
  cluster.context,
];

/**
 * upgradeArgs renders the helm command line of an upgrade (used by the step and by tests);
 * computedValuesFile holds req.set, written by writeComputedValues.
 */
export function upgradeArgs(cluster: ClusterRef, req: UpgradeRequest, computedValuesFile?: string): string[] {
  const args = ["upgrade", "--install", req.release, req.chart, "-n", req.namespace, "--create-namespace"];
  for (const file of req.valuesFiles) args.push("-f", file);
  if (computedValuesFile) args.push("-f", computedValuesFile);
  for (const [key, value] of Object.entries(req.setTyped ?? {})) args.push("--set", `${key}=${value}`);
  if (req.wait ?? true) args.push("--wait", "--timeout", req.timeout ?? "5m");
  if (req.atomic) args.push("--atomic");
  args.push(...kubeArgs(cluster));
  return args;
}

/** writeComputedValues writes set as a nested JSON values file in a new temporary folder; remove it with remove(). */
export async function writeComputedValues(
  set: Record<string, string>,
): Promise<{ file: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "kit-values-"));
  const file = join(dir, "kit-computed-values.json");
  await writeFile(file, `${JSON.stringify(nestValues(set), null, 2)}\n`, { mode: 0o600 });
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}
