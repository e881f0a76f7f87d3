import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { FakeExecer } from "../../exec/execer.ts";
import { qualify } from "../../images/node/index.ts";
import { localRegistryHostingData, registryHostsToml } from "../registry/index.ts";
import { KIND_CONFIG_TEMPLATE, KindCluster, kindEnv, renderKindConfig } from "./kind.ts";

describe("renderKindConfig", () => {
  const template = readFileSync(KIND_CONFIG_TEMPLATE, "utf8");

  it("fills in name, image, app port mappings and workers, keeping the registry patch", () => {
    const out = parse(
      renderKindConfig(template, {
        name: "kit",
        nodeImage: "kit.local/kind-node:v1.34.4-abc",
        workers: 2,
        portMappings: [
          { containerPort: 30080, hostPort: 30080 },
          { containerPort: 30081, hostPort: 30081 },
        ],
      }),
    );
    expect(out.name).toBe("kit");
    expect(out.nodes.map((n: { role: string }) => n.role)).toEqual(["control-plane", "worker", "worker"]);
    expect(out.nodes.every((n: { image: string }) => n.image === "kit.local/kind-node:v1.34.4-abc")).toBe(
      true,
    );
    expect(out.nodes[0].extraPortMappings).toEqual([
      { listenAddress: "127.0.0.1", protocol: "TCP", containerPort: 30080, hostPort: 30080 },
      { listenAddress: "127.0.0.1", protocol: "TCP", containerPort: 30081, hostPort: 30081 },
    ]);
    expect(out.containerdConfigPatches[0]).toContain('config_path = "/etc/containerd/certs.d"');
  });

  it("adds no workers or mappings when none are asked for", () => {
    const out = parse(renderKindConfig(template, { name: "x" }));
    expect(out.nodes).toHaveLength(1);
    expect(out.nodes[0].extraPortMappings).toBeUndefined();
  });
});

describe("image names and registry wiring", () => {
  it("qualifies image names the way containerd stores them", () => {
    expect(qualify("registry.k8s.io/pause:3.10")).toBe("registry.k8s.io/pause:3.10");
    expect(qualify("kindest/kindnetd:v1")).toBe("docker.io/kindest/kindnetd:v1");
    expect(qualify("registry:3")).toBe("docker.io/library/registry:3");
    expect(qualify("localhost:5001/app:1")).toBe("localhost:5001/app:1");
  });

  it("renders hosts.toml and the KEP-1755 ConfigMap for the registry", () => {
    const registry = {
      name: "kit-registry",
      image: "registry:3",
      hostPort: 5001,
      network: "kind",
      hostEndpoint: "localhost:5001",
      clusterEndpoint: "localhost:5001",
      networkEndpoint: "http://kit-registry:5000",
      created: false,
    };
    expect(registryHostsToml(registry)).toBe('[host."http://kit-registry:5000"]\n');
    const data = parse(localRegistryHostingData(registry)["localRegistryHosting.v1"] ?? "");
    expect(data).toMatchObject({ host: "localhost:5001", hostFromContainerRuntime: "kit-registry:5000" });
  });
});

describe("kindEnv", () => {
  it("runs kind with KIND_EXPERIMENTAL_DOCKER_NETWORK when a network is set, and without it otherwise", () => {
    expect(kindEnv("kt-net")).toEqual({ KIND_EXPERIMENTAL_DOCKER_NETWORK: "kt-net" });
    expect(kindEnv(undefined)).toBeUndefined();
  });
});

describe("KindCluster through a fake docker and kind", () => {
  const ps = "docker ps -a --filter label=io.x-k8s.kind.cluster=dev";

  it("knows a cluster by its nodes' Docker label, without running kind", async () => {
    const execer = new FakeExecer().on(ps, { stdout: "dev-control-plane\tpaused\tkit.local/kind-node:1\n" });
    const cluster = new KindCluster({
      name: "dev",
      kindBinary: "/bin/kind",
      kubeconfigPath: "/tmp/x/kubeconfig",
      execer,
    });
    expect(await cluster.nodeContainers()).toEqual([
      { name: "dev-control-plane", state: "paused", image: "kit.local/kind-node:1" },
    ]);
    expect(await cluster.exists()).toBe(true);
    expect(execer.commands().every((c) => c.startsWith("docker ps"))).toBe(true);
  });

  it("deletes an existing cluster with kind on its network, and does nothing for a missing one", async () => {
    const execer = new FakeExecer().on(ps, { stdout: "" }).on("/bin/kind delete cluster");
    const options = {
      name: "dev",
      kindBinary: "/bin/kind",
      kubeconfigPath: "/tmp/kit-kind-test/kubeconfig",
      network: "kit-dev",
      execer,
    };
    await new KindCluster(options).delete();
    expect(execer.commands().filter((c) => c.includes("kind delete"))).toEqual([]);

    execer.on(ps, { stdout: "dev-control-plane\trunning\tkit.local/kind-node:1\n" });
    await new KindCluster(options).delete();
    const deleted = execer.calls.find((c) => c.command.includes("kind delete"));
    expect(deleted?.args).toEqual([
      "delete",
      "cluster",
      "--name",
      "dev",
      "--kubeconfig",
      "/tmp/kit-kind-test/kubeconfig",
    ]);
    expect(deleted?.options.env).toEqual({ KIND_EXPERIMENTAL_DOCKER_NETWORK: "kit-dev" });
  });
});
