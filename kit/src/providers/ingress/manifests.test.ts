import { describe, expect, it } from "vitest";
import { renderKindConfig } from "../cluster/kind.ts";
import { ingressPortMapping } from "./index.ts";
import {
  ADMIN_PORT,
  type ControllerManifestOptions,
  controllerManifests,
  TRAEFIK_CONTROLLER,
  TRAFFIC_PORT,
  traefikArgs,
} from "./manifests.ts";

const options: ControllerManifestOptions = {
  namespace: "kit-ingress",
  className: "alb",
  image: "kit.local/kind-node-parts/traefik:abc",
  nodePort: 80,
  nodeSelector: { "ingress-ready": "true" },
};

// biome-ignore lint/suspicious/noExplicitAny: manifests are nested YAML-shaped objects; tests index into them.
type Obj = Record<string, any>;
const find = (kind: string): Obj => {
  const found = controllerManifests(options).find((o) => o.kind === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found as Obj;
};

describe("controllerManifests", () => {
  it("applies the namespace first and everything else inside it or cluster-wide", () => {
    const objects = controllerManifests(options);
    expect(objects.map((o) => o.kind)).toEqual([
      "Namespace",
      "ServiceAccount",
      "ClusterRole",
      "ClusterRoleBinding",
      "IngressClass",
      "Deployment",
      "Service",
    ]);
    for (const o of objects.filter((o) =>
      ["ServiceAccount", "Deployment", "Service"].includes(o.kind ?? ""),
    )) {
      expect(o.metadata?.namespace).toBe("kit-ingress");
    }
    for (const o of objects) expect(o.metadata?.labels?.["dev.kit.managed"]).toBe("true");
  });

  it("declares an IngressClass that Traefik's Ingress provider serves", () => {
    expect(find("IngressClass")).toMatchObject({
      metadata: { name: "alb" },
      spec: { controller: TRAEFIK_CONTROLLER },
    });
    expect(traefikArgs(options)).toContain("--providers.kubernetesingress.ingressClass=alb");
  });

  it("lets the controller read what the Ingress provider watches and update Ingress status only", () => {
    const rules = find("ClusterRole").rules as {
      apiGroups: string[];
      resources: string[];
      verbs: string[];
    }[];
    const can = (group: string, resource: string, verb: string) =>
      rules.some(
        (r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb),
      );
    for (const [group, resource] of [
      ["", "services"],
      ["", "secrets"],
      ["", "nodes"],
      ["discovery.k8s.io", "endpointslices"],
      ["networking.k8s.io", "ingresses"],
      ["networking.k8s.io", "ingressclasses"],
    ] as const) {
      for (const verb of ["get", "list", "watch"])
        expect(can(group, resource, verb), `${verb} ${resource}`).toBe(true);
    }
    expect(can("networking.k8s.io", "ingresses/status", "update")).toBe(true);
    expect(
      rules.flatMap((r) => r.verbs).filter((v) => !["get", "list", "watch", "update"].includes(v)),
    ).toEqual([]);
    expect(find("ClusterRoleBinding").subjects).toEqual([
      { kind: "ServiceAccount", name: "traefik", namespace: "kit-ingress" },
    ]);
  });

  it("listens on the node's port through a hostPort and replaces its pod without a surge", () => {
    const deployment = find("Deployment");
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(deployment.spec.strategy).toEqual({ type: "Recreate" });
    expect(container.ports).toContainEqual({
      name: "web",
      containerPort: TRAFFIC_PORT,
      hostPort: 80,
      protocol: "TCP",
    });
    expect(container.args).toContain(`--entryPoints.web.address=:${TRAFFIC_PORT}`);
    expect(container.readinessProbe.httpGet).toEqual({ path: "/ping", port: "admin" });
    expect(container.ports).toContainEqual({ name: "admin", containerPort: ADMIN_PORT, protocol: "TCP" });
    expect(pod.nodeSelector).toEqual({ "ingress-ready": "true" });
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
  });

  it("neither checks for new versions nor reports usage (kit's clusters may have no internet)", () => {
    const args = traefikArgs(options);
    expect(args).toContain("--global.checkNewVersion=false");
    expect(args).toContain("--global.sendAnonymousUsage=false");
  });

  it("publishes a hostname in Ingress status only when asked", () => {
    expect(traefikArgs(options).some((a) => a.includes("ingressEndpoint"))).toBe(false);
    expect(traefikArgs({ ...options, publishedHostname: "localhost" })).toContain(
      "--providers.kubernetesingress.ingressEndpoint.hostname=localhost",
    );
  });

  it("renders the same objects for the same options (so a re-apply changes nothing)", () => {
    expect(JSON.stringify(controllerManifests(options))).toBe(JSON.stringify(controllerManifests(options)));
  });
});

describe("ingressPortMapping", () => {
  it("maps the controller's node port to a loopback host port on the control plane", () => {
    const config = renderKindConfig("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n", {
      name: "standin",
      portMappings: [ingressPortMapping(38080)],
    });
    expect(config).toContain("containerPort: 80");
    expect(config).toContain("hostPort: 38080");
    expect(config).toContain("listenAddress: 127.0.0.1");
  });
});
