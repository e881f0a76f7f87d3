/**
 * The stand-in environment for `kit promote`, end to end with real Docker, kind, helm and Traefik:
 * ensureStandin brings up a kind cluster with an ingress controller and a registry of its own; the
 * go-app image pushed to a throwaway "local" registry is copied by digest to the stand-in's registry
 * with crane; the go-app chart with its EKS values (IngressClass alb, ALB annotations) pinned to that
 * digest runs in the stand-in; its pods' imageID carries the digest; keep-alive HTTP, an SSE stream,
 * a WebSocket echo and kit's own rollout probe go through the Ingress on the host port; a second
 * ensureStandin reuses everything; remove() leaves no cluster, container or network behind.
 * Its names and ports are its own (standin-it*, 5034, 5035, 38090).
 */
import { readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { parse as parseYaml } from "yaml";
import { readEnvOverrides } from "../../src/config/env-overrides.ts";
import { run } from "../../src/exec/index.ts";
import { ensureAppImage } from "../../src/images/apps.ts";
import { resolveImageSource } from "../../src/images/source.ts";
import { binDir, REPO_DIR } from "../../src/paths.ts";
import { ExistingCluster } from "../../src/providers/cluster/index.ts";
import { loadKubeConfig } from "../../src/providers/cluster/kube.ts";
import { deleteRegistry, ensureRegistry, pushImage } from "../../src/providers/registry/index.ts";
import { isFailure, startProbe } from "../../src/rollout/probe/index.ts";
import { ensureGoTool } from "../../src/tools/catalog.ts";
import { copyByDigest, digestOf } from "../../src/tools/crane/index.ts";
import { requireDocker } from "../../src/tools/docker.ts";
import { upgrade } from "../../src/tools/helm/index.ts";
import { ensureStandin, type Standin, standinNames } from "../support/standin.ts";

const NAME = "standin-it";
const PORTS = { registry: 5034, ingress: 38090 };
const SOURCE_REGISTRY = { name: "standin-it-source", port: 5035 };
const NAMESPACE = "apps";
const log = (line: string): void => {
  if (process.env.KIT_TEST_VERBOSE) console.log(line);
};

let standin: Standin;
let sourceRef: string;
let sourceDigest: string;
let copiedRef: string;

const ensure = () =>
  ensureStandin({
    name: NAME,
    registryHostPort: PORTS.registry,
    ingressHostPort: PORTS.ingress,
    onLine: log,
  });

beforeAll(async () => {
  await requireDocker();
  // As the CLI does: kit's own helm and kind first on PATH.
  await Promise.all([ensureGoTool("helm"), ensureGoTool("kind")]);
  process.env.PATH = [binDir(), process.env.PATH].filter(Boolean).join(delimiter);
  const source = await resolveImageSource(readEnvOverrides(process.env).imagesSource ?? "auto");
  await deleteRegistry(SOURCE_REGISTRY.name);
  const [up, app, registry] = await Promise.all([
    ensure(),
    ensureAppImage({ root: REPO_DIR, path: "apps/go-app", image: "go-app", source, onLine: log }),
    ensureRegistry({ source, name: SOURCE_REGISTRY.name, hostPort: SOURCE_REGISTRY.port, onLine: log }),
  ]);
  standin = up;
  console.log(`stand-in up (first call) in ${standin.timings.total.toFixed(1)} s`, standin.timings);
  const pushed = await pushImage(registry, app.ref, "go-app", app.sourceHash, { onLine: log });
  if (!pushed.digest) throw new Error(`docker push of ${pushed.ref} printed no digest`);
  sourceRef = `${registry.hostEndpoint}/go-app@${pushed.digest}`;
  sourceDigest = pushed.digest;
}, 60 * 60_000);

afterAll(async () => {
  await deleteRegistry(SOURCE_REGISTRY.name);
  await standin?.remove();
});

async function pods(): Promise<{ name: string; imageID: string; specImage: string }[]> {
  const { CoreV1Api } = await import("@kubernetes/client-node");
  const api = (await loadKubeConfig(standin)).makeApiClient(CoreV1Api);
  const list = await api.listNamespacedPod({
    namespace: NAMESPACE,
    labelSelector: "app.kubernetes.io/name=go-app",
  });
  // Pods the HPA added a moment ago may not have pulled their image yet: only started ones count.
  return list.items
    .filter((p) => !p.metadata?.deletionTimestamp && p.status?.containerStatuses?.[0]?.imageID)
    .map((p) => ({
      name: p.metadata?.name ?? "",
      imageID: p.status?.containerStatuses?.[0]?.imageID ?? "",
      specImage: p.spec?.containers[0]?.image ?? "",
    }));
}

function get(url: string, agent: Agent): Promise<{ status: number; body: string; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent, timeout: 10_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, reusedSocket: req.reusedSocket }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** The repository the chart's EKS values pull from (the image is copied there, as kit promote does). */
const EKS_REPOSITORY = (
  parseYaml(readFileSync(join(REPO_DIR, "charts", "go-app", "values-eks.yaml"), "utf8")) as {
    service: { image: { repository: string } };
  }
).service.image.repository;

describe("the stand-in environment", () => {
  it("is reachable as an existing cluster through its kubeconfig and context", async () => {
    const cluster = await new ExistingCluster({
      kubeconfigPath: standin.kubeconfigPath,
      context: standin.context,
    }).ensure();
    expect(cluster.nodes.length).toBeGreaterThan(0);
    expect(cluster.nodes.every((n) => n.ready)).toBe(true);
    expect(standin.ingressUrl).toBe(`http://127.0.0.1:${PORTS.ingress}`);
    expect(standin.registryHostEndpoint).toBe(`localhost:${PORTS.registry}`);
  });

  it("takes the image from the local registry by digest, unchanged", async () => {
    const copied = await copyByDigest({
      from: sourceRef,
      to: `${standin.registryHostEndpoint}/${EKS_REPOSITORY}`,
      tag: "promoted",
    });
    expect(copied.digest).toBe(sourceDigest);
    expect(await digestOf(`${standin.registryHostEndpoint}/${EKS_REPOSITORY}:promoted`)).toBe(sourceDigest);
    copiedRef = copied.ref;
  });

  it("runs the go-app chart with its EKS values, pinned to that digest, and its pods run that digest", async () => {
    await upgrade(
      standin,
      {
        release: "go-app",
        chart: join(REPO_DIR, "charts", "go-app"),
        namespace: NAMESPACE,
        valuesFiles: [join(REPO_DIR, "charts", "go-app", "values-eks.yaml")],
        set: { "service.image.registry": standin.registryHostEndpoint, "service.image.digest": sourceDigest },
        timeout: "5m",
      },
      { onLine: log },
    );
    const running = await pods();
    expect(running.length).toBeGreaterThan(0);
    for (const pod of running) {
      expect(pod.specImage).toBe(copiedRef);
      // What the node's containerd pulled and runs, by its manifest digest.
      expect(pod.imageID).toBe(copiedRef);
    }
  });

  it("serves the chart's Ingress (class alb, ALB annotations kept) on the host port", async () => {
    const { NetworkingV1Api } = await import("@kubernetes/client-node");
    const api = (await loadKubeConfig(standin)).makeApiClient(NetworkingV1Api);
    const ingress = await api.readNamespacedIngress({ name: "go-app", namespace: NAMESPACE });
    expect(ingress.spec?.ingressClassName).toBe(standin.ingressClassName);
    expect(ingress.metadata?.annotations?.["alb.ingress.kubernetes.io/target-type"]).toBe("ip");
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await get(`${standin.ingressUrl}/`, agent));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answers[0]?.body).toContain("Hi! from go-app");
      // One connection carried all three requests: the controller kept the client's connection alive.
      expect(answers.map((a) => a.reusedSocket)).toEqual([false, true, true]);
    } finally {
      agent.destroy();
    }
    const refreshed = await api.readNamespacedIngress({ name: "go-app", namespace: NAMESPACE });
    expect(refreshed.status?.loadBalancer?.ingress?.[0]?.hostname).toBe("localhost");
  });

  it("streams SSE events through the Ingress as they are sent", async () => {
    const controller = new AbortController();
    const response = await fetch(`${standin.ingressUrl}/stream?interval_ms=100`, {
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body?.getReader();
    if (!reader) throw new Error("no body");
    let text = "";
    // The stream never ends by itself: reading three events proves each was flushed through.
    while ((text.match(/event: tick/g) ?? []).length < 3) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended early after: ${text}`);
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toMatch(/data: \{"pod":"go-app-[^"]+","seq":0\}/);
  });

  it("carries a WebSocket through the Ingress and echoes", async () => {
    const ws = new WebSocket(`${standin.ingressUrl.replace("http", "ws")}/ws`);
    const messages: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on("error", reject);
      ws.on("message", (data) => {
        messages.push(String(data));
        if (messages.length === 1) ws.send("echo through the ingress");
        if (messages.length === 2) resolve();
      });
    });
    ws.close(1000);
    expect(JSON.parse(messages[0] ?? "{}")).toMatchObject({ type: "hello" });
    expect(messages[1]).toBe("echo through the ingress");
  });

  it("holds an SSE stream and a WebSocket open through the Ingress for more than a minute", async () => {
    const holdMs = 65_000;
    const controller = new AbortController();
    const stream = await fetch(`${standin.ingressUrl}/stream?interval_ms=1000`, {
      signal: controller.signal,
    });
    const reader = stream.body?.getReader();
    if (!reader) throw new Error("no body");
    let sseEnded = false;
    let events = 0;
    const reading = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          events += (new TextDecoder().decode(value).match(/event: tick/g) ?? []).length;
        }
      } catch {
        // aborted by the test below
      }
      sseEnded = !controller.signal.aborted;
    })();
    const ws = new WebSocket(`${standin.ingressUrl.replace("http", "ws")}/ws`);
    let wsClosed: number | undefined;
    ws.on("close", (code) => {
      wsClosed = code;
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    await new Promise((resolve) => setTimeout(resolve, holdMs));
    const echoed = new Promise<string>((resolve) => ws.on("message", (data) => resolve(String(data))));
    ws.send("still here");
    expect(await echoed).toBe("still here");
    expect(sseEnded).toBe(false);
    expect(wsClosed).toBeUndefined();
    expect(events).toBeGreaterThan(60);
    controller.abort();
    ws.close(1000);
    await reading;
  }, 120_000);

  it("lets kit's rollout probe hold every kind of traffic through the Ingress without a failure", async () => {
    const probe = startProbe({
      target: standin.ingressUrl,
      keepAliveConnections: 2,
      requestsPerSecond: 20,
      freshConnectionsPerSecond: 5,
      streams: 2,
      webSockets: 2,
      slowRequests: 1,
      slowRequestMs: 200,
      streamIntervalMs: 100,
      wsPingIntervalMs: 200,
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const records = await probe.stop();
    const kinds = new Set(records.map((r) => r.kind));
    expect([...kinds].sort()).toEqual(["http-fresh", "http-reused", "slow", "sse", "ws"]);
    const failed = records.filter((r) => isFailure(r.outcome));
    expect(failed).toEqual([]);
    expect(records.filter((r) => r.kind === "sse").every((r) => (r.messages ?? 0) > 0)).toBe(true);
    expect(records.filter((r) => r.kind === "ws").every((r) => (r.messages ?? 0) > 0)).toBe(true);
  });

  it("is reused as it is by a second ensureStandin", async () => {
    const again = await ensure();
    console.log(`stand-in up (warm call) in ${again.timings.total.toFixed(1)} s`, again.timings);
    expect({ ...again, timings: undefined, remove: undefined }).toEqual({
      ...standin,
      timings: undefined,
      remove: undefined,
    });
    expect((await pods()).map((p) => p.imageID)).toContain(copiedRef);
  });

  it("remove() leaves no cluster, container, network or kubeconfig behind", async () => {
    await standin.remove();
    const names = standinNames(NAME);
    const containers = await run("docker", ["ps", "-a", "--format", "{{.Names}}"]);
    expect(
      containers.stdout.split("\n").filter((n) => n.startsWith(NAME) && n !== SOURCE_REGISTRY.name),
    ).toEqual([]);
    const networks = await run("docker", ["network", "ls", "--format", "{{.Name}}"]);
    expect(networks.stdout.split("\n")).not.toContain(names.network);
    const clusters = await run("kind", ["get", "clusters"]);
    expect(clusters.stdout.split("\n")).not.toContain(NAME);
    const { existsSync } = await import("node:fs");
    expect(existsSync(names.kubeconfigPath)).toBe(false);
  });
});
