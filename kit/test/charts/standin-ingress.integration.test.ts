/**
 * The stand-in environment (kit/test/support/standin.ts) serves the charts' EKS Ingress unchanged:
 * its Traefik controller serves the IngressClass the EKS values select, and the rendered Ingress
 * uses only what Traefik's Ingress provider routes on (class, path, path type, a named Service
 * port). The ALB annotations stay on it and Traefik ignores them, as the AWS Load Balancer
 * Controller ignores Traefik's. The end-to-end proof is kit/test/standin/standin.integration.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { STANDIN_INGRESS_CLASS } from "../support/standin.ts";
import { APPS, byKind, helmBinary, type K8sObject, renderChart } from "./helm.ts";

beforeAll(async () => {
  await helmBinary();
}, 30 * 60_000);

describe.each(APPS)("%s's EKS Ingress on the stand-in", (app) => {
  let ingress: K8sObject;

  beforeAll(async () => {
    ingress = byKind(await renderChart({ chart: app, values: ["values-eks.yaml"] }), "Ingress");
  });

  it("selects the class the stand-in's controller serves, with the ALB annotations kept", () => {
    expect(ingress.apiVersion).toBe("networking.k8s.io/v1");
    expect(ingress.spec.ingressClassName).toBe(STANDIN_INGRESS_CLASS);
    expect(ingress.metadata.annotations["alb.ingress.kubernetes.io/target-type"]).toBe("ip");
  });

  it("routes only on what Traefik's Ingress provider reads: path, path type and a named port", () => {
    const annotations = Object.keys(ingress.metadata.annotations ?? {});
    expect(annotations.filter((a) => a.startsWith("traefik.ingress.kubernetes.io/"))).toEqual([]);
    expect(ingress.spec.tls).toBeUndefined();
    for (const rule of ingress.spec.rules) {
      for (const path of rule.http.paths) {
        expect(["Prefix", "Exact"]).toContain(path.pathType);
        expect(path.backend.service).toEqual({ name: app, port: { name: "http" } });
      }
    }
  });
});
