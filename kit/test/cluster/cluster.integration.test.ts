/**
 * The cluster integration suite: real Docker, real kind, images from `images.source` (on machines
 * without an image registry: built by kit from package registries). It creates a kind cluster and
 * the local registry, checks Ready nodes, DNS through CoreDNS, a 2-replica Deployment of an image
 * pushed to the local registry answering from the host through the mapped NodePort, and that a
 * delete + recreate on a warm cache rebuilds nothing. Its cluster, registry and ports are its
 * own (kit-it, kit-it-registry, 5011, 31080) so it can run beside a `kit up` environment.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { get as httpGet } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEnvOverrides } from "../../src/config/env-overrides.ts";
import { run } from "../../src/exec/index.ts";
import { buildLocalGoProgram } from "../../src/images/node/local-go.ts";
import { placeFile } from "../../src/images/node/steps.ts";
import { resolveImageSource } from "../../src/images/source.ts";
import {
  deleteLocalCluster,
  ExistingCluster,
  ensureLocalCluster,
  type LocalCluster,
} from "../../src/providers/cluster/index.ts";
import { pushImage } from "../../src/providers/registry/index.ts";
import { buildImage, requireDocker } from "../../src/tools/docker.ts";

const here = dirname(fileURLToPath(import.meta.url));
const NAME = "kit-it";
const REGISTRY = "kit-it-registry";
const REGISTRY_PORT = 5011;
const HOST_PORT = 31080;
const NODE_PORT = 30080;
const log = (line: string): void => {
  if (process.env.KIT_TEST_VERBOSE) console.log(line);
};

let env: LocalCluster;
let kubectlPath: string;

async function kubectl(args: string[], input?: string): Promise<string> {
  const { kubeconfigPath, context } = env.cluster;
  const { stdout } = await run(kubectlPath, ["--kubeconfig", kubeconfigPath, "--context", context, ...args], {
    input,
    timeoutMs: 5 * 60_000,
  });
  return stdout;
}

async function ensureCluster(): Promise<LocalCluster> {
  return ensureLocalCluster({
    source: await resolveImageSource(readEnvOverrides(process.env).imagesSource ?? "auto"),
    name: NAME,
    registryName: REGISTRY,
    registryHostPort: REGISTRY_PORT,
    portMappings: [{ containerPort: NODE_PORT, hostPort: HOST_PORT }],
    onLine: log,
  });
}

async function buildHelloImage(): Promise<string> {
  const source = join(here, "fixtures", "hello");
  const { binary } = await buildLocalGoProgram("hello", source, { onLine: log });
  const context = await mkdtemp(join(tmpdir(), "kit-hello-"));
  try {
    await placeFile(binary, join(context, "hello"));
    await placeFile(join(source, "Dockerfile"), join(context, "Dockerfile"));
    const tag = "kit.local/test-hello:latest";
    await buildImage({ tag, context }, { onLine: log });
    return tag;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

function getOnNewConnection(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, timeout: 5_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
  });
}

function helloManifests(image: string): string {
  return `apiVersion: v1
kind: Service
metadata: { name: hello, namespace: default }
spec:
  type: NodePort
  selector: { app: hello }
  ports: [{ port: 80, targetPort: 8080, nodePort: ${NODE_PORT} }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: hello, namespace: default }
spec:
  replicas: 2
  selector: { matchLabels: { app: hello } }
  template:
    metadata: { labels: { app: hello } }
    spec:
      containers:
        - name: hello
          image: ${image}
          ports: [{ containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /, port: 8080 }, periodSeconds: 1 }
`;
}

describe("kind cluster with a local registry", () => {
  beforeAll(async () => {
    await requireDocker();
    await deleteLocalCluster({ name: NAME, registryName: REGISTRY });
    env = await ensureCluster();
    if (!env.kubectl) {
      const { ensureKubectl } = await import("../../src/images/node/kubernetes.ts");
      env.kubectl = await ensureKubectl(env.nodeImage?.ref.split(":")[1]?.split("-")[0] ?? "v1.34.4");
    }
    kubectlPath = env.kubectl;
  });

  afterAll(async () => {
    if (process.env.KIT_KEEP_TEST_CLUSTER) return;
    await deleteLocalCluster({ name: NAME, registryName: REGISTRY });
  });

  it("has every node Ready (kubectl get nodes)", async () => {
    expect(env.cluster.created).toBe(true);
    const out = await kubectl(["get", "nodes", "--no-headers"]);
    const lines = out.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) expect(line.split(/\s+/)[1]).toBe("Ready");
    const cm = await kubectl([
      "-n",
      "kube-public",
      "get",
      "configmap",
      "local-registry-hosting",
      "-o",
      "jsonpath={.data}",
    ]);
    expect(cm).toContain(`localhost:${REGISTRY_PORT}`);
  });

  it("is usable through the existing-context provider too, which never deletes it", async () => {
    const existing = new ExistingCluster({
      kubeconfigPath: env.cluster.kubeconfigPath,
      context: env.cluster.context,
    });
    const result = await existing.ensure();
    expect(result.created).toBe(false);
    expect(result.nodes.every((n) => n.ready)).toBe(true);
    await expect(existing.delete()).rejects.toThrow(/does not delete/);
  });

  it("runs a 2-replica Deployment from the local registry, reachable from the host, and resolves its Service with CoreDNS", async () => {
    const local = await buildHelloImage();
    const registry = env.registry;
    if (!registry) throw new Error("ensureLocalCluster returned no registry for the kind provider");
    const pushed = await pushImage(registry, local, "hello", "it", { onLine: log });
    expect(pushed.ref).toBe(`localhost:${REGISTRY_PORT}/hello:it`);

    await kubectl(["apply", "-f", "-"], helloManifests(pushed.ref));
    await kubectl(["rollout", "status", "deployment/hello", "--timeout=240s"]);
    const ready = await kubectl(["get", "deployment", "hello", "-o", "jsonpath={.status.readyReplicas}"]);
    expect(ready).toBe("2");

    // CoreDNS: a pod resolves the Service's short name through the cluster's search path.
    const clusterIP = (await kubectl(["get", "service", "hello", "-o", "jsonpath={.spec.clusterIP}"])).trim();
    await kubectl([
      "run",
      "resolve",
      "--image",
      pushed.ref,
      "--restart=Never",
      "--command",
      "--",
      "/hello",
      "resolve",
      "hello",
    ]);
    // Until the pod has run to its end, either way; a failed lookup shows its output.
    let phase = "";
    for (let i = 0; i < 120 && phase !== "Succeeded" && phase !== "Failed"; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
      phase = await kubectl(["get", "pod", "resolve", "-o", "jsonpath={.status.phase}"]);
    }
    const output = await kubectl(["logs", "resolve"]).catch((err: unknown) => String(err));
    expect(phase, `the resolve pod printed: ${output}`).toBe("Succeeded");
    expect(output).toContain(`resolved hello ${clusterIP}`);

    // The NodePort answers on the host through the kind extraPortMapping, from both replicas.
    const seen = new Set<string>();
    // A new connection per request (kube-proxy balances connections, not requests).
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      const res = await getOnNewConnection(`http://127.0.0.1:${HOST_PORT}/`);
      expect(res.status).toBe(200);
      seen.add(res.body.trim());
    }
    expect([...seen].every((s) => s.startsWith("hello from hello-"))).toBe(true);
    expect(seen.size).toBe(2);
  });

  it("reuses the cluster idempotently, and after delete + recreate rebuilds no image", async () => {
    const again = await ensureCluster();
    expect(again.cluster.created).toBe(false);

    await deleteLocalCluster({ name: NAME, registryName: REGISTRY });
    const docker = await run("docker", ["ps", "-a", "--filter", `label=io.x-k8s.kind.cluster=${NAME}`, "-q"]);
    expect(docker.stdout.trim()).toBe("");

    env = await ensureCluster();
    expect(env.cluster.created).toBe(true);
    expect(env.nodeImage?.built).toBe(false);
    expect(env.nodeImage?.timings.filter((t) => t.built)).toEqual([]);
    const out = await kubectl(["get", "nodes", "--no-headers"]);
    expect(out).toContain("Ready");
  });
});
