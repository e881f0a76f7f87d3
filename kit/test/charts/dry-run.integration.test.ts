/**
 * Server-side dry run of every rendered chart against the real API server of a kind cluster (the
 * Kubernetes version kit pins): each object is admitted, defaulted and validated (strict field
 * validation, so an unknown or misplaced field fails) exactly as an install would be, without
 * being persisted. Covers both environments' values and every fault values set. The cluster
 * (kit-charts-it) and its registry (port 5013) are this suite's own and deleted afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEnvOverrides } from "../../src/config/env-overrides.ts";
import { run } from "../../src/exec/index.ts";
import { ensureKubectl } from "../../src/images/node/kubernetes.ts";
import { resolveImageSource } from "../../src/images/source.ts";
import {
  deleteLocalCluster,
  ensureLocalCluster,
  type LocalCluster,
} from "../../src/providers/cluster/index.ts";
import { loadVersions } from "../../src/tools/catalog.ts";
import { requireDocker } from "../../src/tools/docker.ts";
import { APPS, ENVIRONMENTS, FAULTS, helmBinary, renderChartText } from "./helm.ts";

const NAME = "kit-charts-it";
const REGISTRY = "kit-charts-it-registry";
const REGISTRY_PORT = 5013;
const NAMESPACE = "apps";
const log = (line: string): void => {
  if (process.env.KIT_TEST_VERBOSE) console.log(line);
};

let cluster: LocalCluster;
let kubectlPath: string;

async function kubectl(args: string[], input?: string): Promise<string> {
  return (await kubectlResult(args, input)).stdout;
}

async function kubectlResult(args: string[], input?: string, allowFailure = false) {
  const { kubeconfigPath, context } = cluster.cluster;
  return run(kubectlPath, ["--kubeconfig", kubeconfigPath, "--context", context, ...args], {
    input,
    allowFailure,
    timeoutMs: 5 * 60_000,
  });
}

/** dryRun sends manifests to the API server with strict field validation, persisting nothing. */
function dryRun(manifests: string, allowFailure = false) {
  return kubectlResult(
    ["apply", "--dry-run=server", "--validate=strict", "--namespace", NAMESPACE, "-f", "-"],
    manifests,
    allowFailure,
  );
}

beforeAll(async () => {
  await requireDocker();
  await helmBinary();
  cluster = await ensureLocalCluster({
    source: await resolveImageSource(readEnvOverrides(process.env).imagesSource ?? "auto"),
    name: NAME,
    registryName: REGISTRY,
    registryHostPort: REGISTRY_PORT,
    onLine: log,
  });
  kubectlPath = cluster.kubectl ?? (await ensureKubectl(loadVersions().kubernetes, { onLine: log }));
  // The namespace the charts install into, labelled as docs/deployment-plan.md asks for on EKS.
  await kubectl(
    ["apply", "-f", "-"],
    `apiVersion: v1
kind: Namespace
metadata:
  name: ${NAMESPACE}
  labels:
    elbv2.k8s.aws/pod-readiness-gate-inject: enabled
    pod-security.kubernetes.io/enforce: restricted
`,
  );
}, 90 * 60_000);

afterAll(async () => {
  if (process.env.KIT_KEEP_TEST_CLUSTER) return;
  await deleteLocalCluster({ name: NAME, registryName: REGISTRY });
}, 10 * 60_000);

const valueSets = APPS.flatMap((app) => [
  ...Object.entries(ENVIRONMENTS).map(([env, values]) => ({
    name: `${app} ${env}`,
    app,
    values: [...values],
  })),
  ...FAULTS.map((fault) => ({
    name: `${app} local + fault ${fault}`,
    app,
    values: ["values-local.yaml", `ci/faults/${fault}.yaml`],
  })),
]);

describe("server-side dry run on kind", () => {
  it.each(valueSets)(
    "$name is admitted by the API server, without Pod Security warnings",
    async ({ app, values }) => {
      const manifests = await renderChartText({ chart: app, values, namespace: NAMESPACE });
      const { stdout, stderr } = await dryRun(manifests);
      for (const kind of [
        "deployment.apps",
        "service",
        "serviceaccount",
        "networkpolicy.networking.k8s.io",
      ]) {
        expect(stdout).toMatch(
          new RegExp(`^${kind.replace(".", "\\.")}/${app} \\w+ \\(server dry run\\)$`, "m"),
        );
      }
      // The namespace enforces the restricted Pod Security Standard: a Deployment that breaks it is
      // admitted with a warning (its pods would then be refused), so no warning may appear.
      expect(stderr).not.toMatch(/PodSecurity/);
    },
  );

  it("refuses an unknown field (strict validation has teeth)", async () => {
    const manifests = (
      await renderChartText({ chart: "go-app", values: ["values-local.yaml"], namespace: NAMESPACE })
    ).replace("minReadySeconds:", "minReadySecond:");
    const result = await dryRun(manifests, true);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/unknown field "spec\.minReadySecond"/);
  });

  it("warns about a pod that breaks the restricted standard (the Pod Security check has teeth)", async () => {
    const manifests = (
      await renderChartText({ chart: "go-app", values: ["values-local.yaml"], namespace: NAMESPACE })
    ).replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true");
    const { stderr } = await dryRun(manifests);
    expect(stderr).toMatch(/would violate PodSecurity "restricted/);
  });
});
