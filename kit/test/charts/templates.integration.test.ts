import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  APPS,
  appContainer,
  byKind,
  CHARTS_DIR,
  ENVIRONMENTS,
  envOf,
  helmBinary,
  type K8sObject,
  kinds,
  renderChart,
} from "./helm.ts";

beforeAll(async () => {
  await helmBinary();
}, 30 * 60_000);

const cases = APPS.flatMap((app) =>
  Object.entries(ENVIRONMENTS).map(([env, values]) => ({ app, env, values: [...values] })),
);

describe.each(cases)("$app with $env values", ({ app, env, values }) => {
  let objects: K8sObject[];
  let deployment: K8sObject;
  let pod: K8sObject;
  let container: K8sObject;

  beforeAll(async () => {
    objects = await renderChart({ chart: app, values });
    deployment = byKind(objects, "Deployment");
    pod = deployment.spec.template.spec;
    container = appContainer(objects);
  });

  it("names resources after the app", () => {
    expect(deployment.metadata.name).toBe(app);
    expect(deployment.spec.selector.matchLabels).toEqual({
      "app.kubernetes.io/name": app,
      "app.kubernetes.io/instance": app,
    });
  });

  it("rolls out by surging, never removing a ready pod first", () => {
    expect(deployment.spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    expect(deployment.spec.minReadySeconds).toBeGreaterThan(0);
  });

  it("probes startup and liveness on /healthz and readiness on /readyz", () => {
    expect(container.startupProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
  });

  it("drains with the native sleep preStop action (no shell in the image)", () => {
    expect(Object.keys(container.lifecycle.preStop)).toEqual(["sleep"]);
    expect(container.lifecycle.preStop.sleep.seconds).toBeGreaterThanOrEqual(10);
  });

  // Both apps count SHUTDOWN_TIMEOUT_MS from SIGTERM, the drain delay inside it; SIGTERM follows preStop.
  it("gives the pod a grace period above preStop + shutdown timeout, which covers drain + longest request", () => {
    const e = envOf(container);
    const budget = container.lifecycle.preStop.sleep.seconds + Number(e.SHUTDOWN_TIMEOUT_MS?.value) / 1000;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(budget);
    expect(Number(e.SHUTDOWN_TIMEOUT_MS?.value)).toBeGreaterThan(
      Number(e.DRAIN_DELAY_MS?.value) + Number(e.MAX_SLOW_MS?.value),
    );
  });

  it("passes the pod name from the downward API and the app contract's settings", () => {
    const e = envOf(container);
    expect(e.POD_NAME?.valueFrom).toEqual({ fieldRef: { fieldPath: "metadata.name" } });
    expect(e.PORT?.value).toBe("8080");
    for (const name of ["APP_VERSION", "DRAIN_DELAY_MS", "SHUTDOWN_TIMEOUT_MS", "MAX_SLOW_MS"]) {
      expect(e[name], name).toBeDefined();
    }
    expect(e.FAULT_ON_SIGTERM).toBeUndefined();
  });

  it("runs under the restricted pod security standard", () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.volumes.find((v: K8sObject) => v.name === "tmp").emptyDir.sizeLimit).toBeDefined();
  });

  it("sets resource requests and limits", () => {
    expect(container.resources.requests.cpu).toBeDefined();
    expect(container.resources.requests.memory).toBeDefined();
    expect(container.resources.limits.memory).toBe(container.resources.requests.memory);
    expect(container.resources.limits.cpu).toBeDefined();
  });

  it("never uses the latest tag", () => {
    expect(container.image).not.toMatch(/:latest(@|$)/);
    expect(container.image).toMatch(/:[\w.-]+$/);
  });

  it("spreads pods across nodes and zones per ReplicaSet", () => {
    const keys = pod.topologySpreadConstraints.map((c: K8sObject) => c.topologyKey);
    expect(keys).toEqual(["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
    for (const c of pod.topologySpreadConstraints) expect(c.matchLabelKeys).toEqual(["pod-template-hash"]);
  });

  it("has a PodDisruptionBudget selecting the pods", () => {
    const pdb = byKind(objects, "PodDisruptionBudget");
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
  });

  it("allows egress to DNS and (node-app only) the database, nothing else", () => {
    const policy = byKind(objects, "NetworkPolicy");
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.spec.podSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    const egress = policy.spec.egress as K8sObject[];
    expect(egress[0]?.ports).toEqual([
      { port: 53, protocol: "UDP" },
      { port: 53, protocol: "TCP" },
    ]);
    expect(egress[0]?.to[0].podSelector.matchLabels).toEqual({ "k8s-app": "kube-dns" });
    if (app === "node-app") {
      expect(egress).toHaveLength(2);
      expect(egress[1]?.ports).toEqual([{ port: 27017, protocol: "TCP" }]);
      expect(egress[1]?.to.length).toBeGreaterThan(0);
      for (const peer of egress[1]?.to ?? []) expect(peer.ipBlock.cidr).toMatch(/\/\d+$/);
    } else {
      expect(egress).toHaveLength(1);
    }
    for (const rule of egress) expect(rule.to, "an egress rule without `to` allows everything").toBeDefined();
    expect(policy.spec.ingress).toEqual([{ ports: [{ port: "http", protocol: "TCP" }] }]);
  });

  if (env === "local") {
    it("exposes a NodePort for kind and runs two replicas without an HPA", () => {
      const service = byKind(objects, "Service");
      expect(service.spec.type).toBe("NodePort");
      expect(service.spec.ports[0].nodePort).toBe(app === "go-app" ? 30080 : 30081);
      expect(deployment.spec.replicas).toBe(2);
      expect(kinds(objects)).not.toContain("HorizontalPodAutoscaler");
      expect(kinds(objects)).not.toContain("Ingress");
      expect(container.image).toMatch(new RegExp(`^localhost:5001/${app}:`));
    });
  }

  if (env === "eks") {
    it("autoscales with an HPA that owns the replica count", () => {
      const hpa = byKind(objects, "HorizontalPodAutoscaler");
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: app });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(deployment.spec.replicas).toBeUndefined();
      expect(pod.topologySpreadConstraints[1].whenUnsatisfiable).toBe("DoNotSchedule");
    });

    it("exposes an ALB ingress with target type ip and a deregistration delay consistent with the drain", () => {
      const ingress = byKind(objects, "Ingress");
      const a = ingress.metadata.annotations as Record<string, string>;
      expect(ingress.spec.ingressClassName).toBe("alb");
      expect(a["alb.ingress.kubernetes.io/target-type"]).toBe("ip");
      expect(a["alb.ingress.kubernetes.io/healthcheck-path"]).toBe("/readyz");
      // The ELB API refuses a timeout that is not below the interval (the controller defaults it to 5 s).
      const interval = Number(a["alb.ingress.kubernetes.io/healthcheck-interval-seconds"]);
      const timeout = Number(a["alb.ingress.kubernetes.io/healthcheck-timeout-seconds"]);
      expect(timeout).toBeGreaterThan(0);
      expect(timeout).toBeLessThan(interval);
      const dereg = Number(
        /deregistration_delay\.timeout_seconds=(\d+)/.exec(
          a["alb.ingress.kubernetes.io/target-group-attributes"] ?? "",
        )?.[1],
      );
      const e = envOf(container);
      const drainEnd =
        container.lifecycle.preStop.sleep.seconds +
        Number(e.DRAIN_DELAY_MS?.value) / 1000 +
        Number(e.MAX_SLOW_MS?.value) / 1000;
      expect(dereg).toBeGreaterThanOrEqual(drainEnd);
      expect(dereg).toBeLessThanOrEqual(pod.terminationGracePeriodSeconds);
      const idle = Number(
        /idle_timeout\.timeout_seconds=(\d+)/.exec(
          a["alb.ingress.kubernetes.io/load-balancer-attributes"] ?? "",
        )?.[1],
      );
      expect(idle * 1000).toBeGreaterThan(Number(e.WS_PING_INTERVAL_MS?.value));
      expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({
        name: app,
        port: { name: "http" },
      });
    });

    it("names the ECR image and carries an IRSA-ready ServiceAccount", () => {
      expect(container.image).toMatch(
        new RegExp(`^\\d{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com/kit-dev/${app}:`),
      );
      const sa = byKind(objects, "ServiceAccount");
      expect(sa.automountServiceAccountToken).toBe(false);
      expect(pod.serviceAccountName).toBe(sa.metadata.name);
    });

    if (app === "node-app") {
      it("reads the database URL from a Secret and mounts the DocumentDB CA bundle", () => {
        const e = envOf(container);
        expect(e.MONGODB_URL?.valueFrom.secretKeyRef).toEqual({
          name: "node-app-mongodb",
          key: "mongodb-url",
        });
        expect(e.MONGODB_URL?.value).toBeUndefined();
        expect(container.volumeMounts).toContainEqual({
          name: "database-ca",
          mountPath: "/etc/ssl/database",
          readOnly: true,
        });
      });
    }
  }
});

describe("the ALB's public edge (values kit promote sets from Terraform outputs)", () => {
  it("listens on HTTPS with the certificate, sits behind the web ACL and writes access logs", async () => {
    const objects = await renderChart({
      chart: "go-app",
      values: ["values-eks.yaml"],
      set: {
        "service.ingress.alb.certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
        "service.ingress.alb.wafv2AclArn":
          "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/kit-dev-apps/abc",
        "service.ingress.alb.accessLogsBucket": "kit-dev-alb-access-logs-123456789012",
      },
    });
    const a = byKind(objects, "Ingress").metadata.annotations as Record<string, string>;
    expect(a["alb.ingress.kubernetes.io/certificate-arn"]).toBe(
      "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
    );
    expect(a["alb.ingress.kubernetes.io/ssl-redirect"]).toBe("443");
    expect(a["alb.ingress.kubernetes.io/wafv2-acl-arn"]).toContain(":regional/webacl/kit-dev-apps/");
    expect(a["alb.ingress.kubernetes.io/load-balancer-attributes"]).toContain(
      "access_logs.s3.enabled=true,access_logs.s3.bucket=kit-dev-alb-access-logs-123456789012,access_logs.s3.prefix=alb",
    );
  });
});

describe("image references and IRSA", () => {
  const digest = `sha256:${"a".repeat(64)}`;

  it("pulls by digest when kit promote sets one", async () => {
    const objects = await renderChart({
      chart: "go-app",
      values: ["values-eks.yaml"],
      set: { "service.image.digest": digest, "service.image.tag": "" },
    });
    expect(appContainer(objects).image).toBe(
      `000000000000.dkr.ecr.eu-west-1.amazonaws.com/kit-dev/go-app@${digest}`,
    );
  });

  it("keeps the tag for humans when both tag and digest are set", async () => {
    const objects = await renderChart({
      chart: "go-app",
      values: ["values-local.yaml"],
      set: { "service.image.digest": digest, "service.image.tag": "1.2.3" },
    });
    expect(appContainer(objects).image).toBe(`localhost:5001/go-app:1.2.3@${digest}`);
    expect(envOf(appContainer(objects)).APP_VERSION?.value).toBe("1.2.3");
  });

  it("annotates the ServiceAccount with the IRSA role", async () => {
    const role = "arn:aws:iam::123456789012:role/kit-dev-node-app";
    const objects = await renderChart({
      chart: "node-app",
      values: ["values-eks.yaml"],
      set: { "service.serviceAccount.irsaRoleArn": role },
    });
    expect(byKind(objects, "ServiceAccount").metadata.annotations).toEqual({
      "eks.amazonaws.com/role-arn": role,
    });
  });

  it("tells the installer to label the namespace for pod readiness gates (NOTES.txt)", async () => {
    for (const chart of ["service", ...APPS]) {
      const notes = await readFile(join(CHARTS_DIR, chart, "templates", "NOTES.txt"), "utf8");
      expect(notes, chart).toContain("elbv2.k8s.aws/pod-readiness-gate-inject=enabled");
    }
  });
});
