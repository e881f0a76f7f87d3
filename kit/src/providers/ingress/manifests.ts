/**
 * manifests renders the Kubernetes objects of kit's ingress controller: Traefik's Kubernetes Ingress
 * provider with the RBAC it reads through, an IngressClass that selects it, and one controller pod
 * that listens on a port of its node (hostPort), which a kind cluster publishes on the host with an
 * extraPortMapping. Pure: the same options always give the same objects, so a re-apply is a no-op.
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import { KIT_LABEL } from "../../tools/docker.ts";

/** TRAEFIK_CONTROLLER is the IngressClass `spec.controller` Traefik's Ingress provider serves. */
export const TRAEFIK_CONTROLLER = "traefik.io/ingress-controller";

/** DEFAULT_NODE_PORT is the port the controller listens on on its node (kind maps it to the host). */
export const DEFAULT_NODE_PORT = 80;

/** TRAFFIC_PORT and ADMIN_PORT are the controller's ports inside its pod (unprivileged). */
export const TRAFFIC_PORT = 8000;
export const ADMIN_PORT = 8080;

/** ControllerManifestOptions decide every object; see ensureIngressController for their defaults. */
export interface ControllerManifestOptions {
  namespace: string;
  className: string;
  image: string;
  nodePort: number;
  /** Written into each served Ingress's status, as the AWS Load Balancer Controller writes the ALB's name. */
  publishedHostname?: string;
  /** The pod runs only on nodes with these labels (kit's kind config labels the control plane `ingress-ready`). */
  nodeSelector: Record<string, string>;
}

/** ManifestObject is one rendered object: any Kubernetes kind, addressed by apiVersion/kind/name. */
export type ManifestObject = KubernetesObject & Record<string, unknown>;

const NAME = "traefik";

function labels(): Record<string, string> {
  return {
    "app.kubernetes.io/name": NAME,
    "app.kubernetes.io/component": "ingress-controller",
    "app.kubernetes.io/managed-by": "kit",
    [KIT_LABEL]: "true",
  };
}

/** clusterRoleName is cluster-scoped, so it carries the namespace that the controller runs in. */
export function clusterRoleName(namespace: string): string {
  return `${namespace}-${NAME}`;
}

/** traefikArgs are the controller's flags (static configuration on the command line, no files). */
export function traefikArgs(options: ControllerManifestOptions): string[] {
  const args = [
    "--global.checkNewVersion=false",
    "--global.sendAnonymousUsage=false",
    `--entryPoints.web.address=:${TRAFFIC_PORT}`,
    `--entryPoints.traefik.address=:${ADMIN_PORT}`,
    "--ping=true",
    "--ping.entryPoint=traefik",
    "--providers.kubernetesingress=true",
    `--providers.kubernetesingress.ingressClass=${options.className}`,
    "--log.level=INFO",
  ];
  if (options.publishedHostname) {
    args.push(`--providers.kubernetesingress.ingressEndpoint.hostname=${options.publishedHostname}`);
  }
  return args;
}

/** controllerManifests returns every object of the controller, in the order they are applied. */
export function controllerManifests(options: ControllerManifestOptions): ManifestObject[] {
  const { namespace } = options;
  const meta = (name: string, ns?: string) => ({
    name,
    ...(ns ? { namespace: ns } : {}),
    labels: labels(),
  });
  const selector = { "app.kubernetes.io/name": NAME, "app.kubernetes.io/component": "ingress-controller" };
  const readOnly = ["get", "list", "watch"];
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: meta(namespace) },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(NAME, namespace) },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: meta(clusterRoleName(namespace)),
      rules: [
        { apiGroups: [""], resources: ["services", "secrets", "nodes"], verbs: readOnly },
        { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: readOnly },
        { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "ingressclasses"], verbs: readOnly },
        { apiGroups: ["networking.k8s.io"], resources: ["ingresses/status"], verbs: ["update"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: meta(clusterRoleName(namespace)),
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: clusterRoleName(namespace),
      },
      subjects: [{ kind: "ServiceAccount", name: NAME, namespace }],
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "IngressClass",
      metadata: meta(options.className),
      spec: { controller: TRAEFIK_CONTROLLER },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(NAME, namespace),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        // The pod holds a host port: a surge pod could never be scheduled beside the old one.
        strategy: { type: "Recreate" },
        template: {
          metadata: { labels: { ...labels(), ...selector } },
          spec: {
            serviceAccountName: NAME,
            nodeSelector: options.nodeSelector,
            tolerations: [
              { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
            ],
            terminationGracePeriodSeconds: 10,
            containers: [
              {
                name: NAME,
                image: options.image,
                imagePullPolicy: "IfNotPresent",
                args: traefikArgs(options),
                ports: [
                  { name: "web", containerPort: TRAFFIC_PORT, hostPort: options.nodePort, protocol: "TCP" },
                  { name: "admin", containerPort: ADMIN_PORT, protocol: "TCP" },
                ],
                readinessProbe: {
                  httpGet: { path: "/ping", port: "admin" },
                  periodSeconds: 2,
                  failureThreshold: 2,
                },
                livenessProbe: { httpGet: { path: "/ping", port: "admin" }, periodSeconds: 10 },
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: 65532,
                  runAsGroup: 65532,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
              },
            ],
          },
        },
      },
    },
    {
      // In-cluster clients reach the entry point here, as clients inside a VPC reach an internal ALB.
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(NAME, namespace),
      spec: {
        type: "ClusterIP",
        selector,
        ports: [{ name: "web", port: 80, targetPort: "web", protocol: "TCP" }],
      },
    },
  ];
}
