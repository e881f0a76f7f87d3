/**
 * helm is kit's thin typed wrapper over the helm CLI (the stable interface for releases), asking
 * for JSON wherever helm offers it.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../exec/index.ts";
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

const kubeArgs = (cluster: ClusterRef): string[] => [
  "--kubeconfig",
  cluster.kubeconfigPath,
  "--kube-context",
  cluster.context,
];

/** getRelease returns the release, or undefined when it is not installed. */
export async function getRelease(
  cluster: ClusterRef,
  namespace: string,
  release: string,
  signal?: AbortSignal,
): Promise<HelmRelease | undefined> {
  const { stdout } = await run(
    "helm",
    ["list", "-n", namespace, "-o", "json", "--filter", `^${release}$`, "-a", ...kubeArgs(cluster)],
    { signal, timeoutMs: 60_000 },
  );
  return (JSON.parse(stdout || "[]") as HelmRelease[])[0];
}

/** getValues returns the user-supplied values of a release's current revision. */
export async function getValues(
  cluster: ClusterRef,
  namespace: string,
  release: string,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  const { stdout } = await run(
    "helm",
    ["get", "values", release, "-n", namespace, "-o", "json", ...kubeArgs(cluster)],
    {
      signal,
      timeoutMs: 60_000,
    },
  );
  return (JSON.parse(stdout || "{}") ?? {}) as Record<string, unknown>;
}

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

/** upgrade runs `helm upgrade --install` and waits for the rollout. */
export async function upgrade(
  cluster: ClusterRef,
  req: UpgradeRequest,
  options: { signal?: AbortSignal; onLine?: (line: string) => void } = {},
): Promise<void> {
  const computed = Object.keys(req.set).length > 0 ? await writeComputedValues(req.set) : undefined;
  try {
    await run("helm", upgradeArgs(cluster, req, computed?.file), {
      ...options,
      timeoutMs: 15 * 60_000,
      hint: `See why the pods did not become ready: kubectl --kubeconfig ${cluster.kubeconfigPath} -n ${req.namespace} get pods,events`,
    });
  } finally {
    await computed?.remove();
  }
}

/** uninstall removes a release if it exists. */
export async function uninstall(
  cluster: ClusterRef,
  namespace: string,
  release: string,
  signal?: AbortSignal,
): Promise<void> {
  await run(
    "helm",
    ["uninstall", release, "-n", namespace, "--ignore-not-found", "--wait", ...kubeArgs(cluster)],
    {
      signal,
      timeoutMs: 5 * 60_000,
    },
  );
}
