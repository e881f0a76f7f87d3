/**
 * helm renders and lints the charts under charts/ with the helm kit builds (ensureGoTool), so the
 * chart tests check the manifests the real helm produces from the real values files.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { run } from "../../src/exec/index.ts";
import { ensureGoTool } from "../../src/tools/catalog.ts";

/** REPO_ROOT is the repository checkout the tests run in. */
export const REPO_ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

/** CHARTS_DIR holds the charts under test. */
export const CHARTS_DIR = join(REPO_ROOT, "charts");

/** APPS are the app charts built on charts/service. */
export const APPS = ["go-app", "node-app"] as const;

/** FAULTS are the fault values files under charts/<app>/ci/faults/, without .yaml. */
export const FAULTS = [
  "no-prestop",
  "no-readiness",
  "exit-on-sigterm",
  "ignore-sigterm",
  "short-grace",
  "max-unavailable-one-replica",
] as const;

/** K8sObject is one rendered manifest, loosely typed for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: manifests are arbitrary nested YAML; tests index into them freely.
export type K8sObject = Record<string, any>;

let helmPath: Promise<string> | undefined;

/** helmBinary builds helm once (or takes it from kit's cache) and returns its path. */
export function helmBinary(): Promise<string> {
  helmPath ??= ensureGoTool("helm");
  return helmPath;
}

/** RenderInput names a chart, values files relative to it, and --set pairs. */
export interface RenderInput {
  chart: string;
  values?: string[];
  set?: Record<string, string | number | boolean>;
  release?: string;
  namespace?: string;
}

function helmArgs(input: RenderInput): string[] {
  const chartDir = join(CHARTS_DIR, input.chart);
  const args: string[] = [];
  for (const file of input.values ?? []) {
    const path = join(chartDir, file);
    if (!existsSync(path)) throw new Error(`values file ${path} does not exist`);
    args.push("-f", path);
  }
  for (const [key, value] of Object.entries(input.set ?? {})) args.push("--set", `${key}=${value}`);
  return args;
}

/** renderChart runs `helm template` and returns the rendered objects. */
export async function renderChart(input: RenderInput): Promise<K8sObject[]> {
  const stdout = await renderChartText(input);
  return parseAllDocuments(stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((obj): obj is K8sObject => obj !== null);
}

/** renderChartText runs `helm template` and returns the YAML text. */
export async function renderChartText(input: RenderInput): Promise<string> {
  const helm = await helmBinary();
  const release = input.release ?? input.chart;
  const { stdout } = await run(
    helm,
    [
      "template",
      release,
      join(CHARTS_DIR, input.chart),
      "--namespace",
      input.namespace ?? "apps",
      "--kube-version",
      "1.34.4",
      ...helmArgs(input),
    ],
    { timeoutMs: 60_000 },
  );
  return stdout;
}

/** renderError runs `helm template` expecting it to fail and returns its error output. */
export async function renderError(input: RenderInput): Promise<string> {
  const helm = await helmBinary();
  const result = await run(
    helm,
    ["template", input.release ?? input.chart, join(CHARTS_DIR, input.chart), ...helmArgs(input)],
    { allowFailure: true, timeoutMs: 60_000 },
  );
  if (result.exitCode === 0)
    throw new Error(`helm template ${input.chart} succeeded, a failure was expected`);
  return result.stderr;
}

/** lintChart runs `helm lint --strict` and returns its exit code and output. */
export async function lintChart(input: RenderInput): Promise<{ exitCode: number; output: string }> {
  const helm = await helmBinary();
  const result = await run(helm, ["lint", "--strict", join(CHARTS_DIR, input.chart), ...helmArgs(input)], {
    allowFailure: true,
    timeoutMs: 60_000,
  });
  return { exitCode: result.exitCode, output: `${result.stdout}${result.stderr}` };
}

/** byKind returns the one object of a kind, failing when there is not exactly one. */
export function byKind(objects: K8sObject[], kind: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as K8sObject;
}

/** kinds lists the kinds rendered, sorted. */
export function kinds(objects: K8sObject[]): string[] {
  return objects.map((o) => String(o.kind)).sort();
}

/** appContainer returns the Deployment's single container. */
export function appContainer(objects: K8sObject[]): K8sObject {
  const containers = byKind(objects, "Deployment").spec.template.spec.containers as K8sObject[];
  if (containers.length !== 1) throw new Error(`expected one container, found ${containers.length}`);
  return containers[0] as K8sObject;
}

/** envOf maps a container's env entries by name. */
export function envOf(container: K8sObject): Record<string, K8sObject> {
  return Object.fromEntries((container.env as K8sObject[]).map((e) => [e.name, e]));
}

/** ENVIRONMENTS maps each environment to the values files kit.config.yaml names for it. */
export const ENVIRONMENTS = { local: ["values-local.yaml"], eks: ["values-eks.yaml"] } as const;
