import { beforeAll, describe, expect, it } from "vitest";
import {
  APPS,
  appContainer,
  byKind,
  envOf,
  type FAULTS,
  helmBinary,
  type K8sObject,
  kinds,
  renderChart,
  renderError,
} from "./helm.ts";

beforeAll(async () => {
  await helmBinary();
}, 30 * 60_000);

describe("values schema", () => {
  it("rejects a misspelt value", async () => {
    const error = await renderError({ chart: "go-app", set: { "service.replicaCont": 3 } });
    expect(error).toContain("additional properties 'replicaCont' not allowed");
  });

  it("rejects unknown top-level keys of an app chart", async () => {
    const error = await renderError({ chart: "node-app", set: { replicaCount: 3 } });
    expect(error).toContain("additional properties 'replicaCount' not allowed");
  });

  it("rejects the latest tag", async () => {
    const error = await renderError({ chart: "go-app", set: { "service.image.tag": "latest" } });
    expect(error).toContain("/image/tag");
  });

  it("rejects a malformed digest", async () => {
    const error = await renderError({ chart: "go-app", set: { "service.image.digest": "sha256:abc" } });
    expect(error).toContain("/image/digest");
  });

  it("rejects an unknown fault", async () => {
    const error = await renderError({ chart: "go-app", set: { "service.faults.onSigterm": "crash" } });
    expect(error).toContain("/faults/onSigterm");
  });
});

describe("guardrails refuse values that would drop traffic", () => {
  const local = ["values-local.yaml"];
  it.each([
    [
      "maxUnavailable above 0",
      { "service.deployment.strategy.rollingUpdate.maxUnavailable": 1 },
      "maxUnavailable is 1",
    ],
    ["no surge", { "service.deployment.strategy.rollingUpdate.maxSurge": 0 }, "maxSurge is 0"],
    [
      "no readiness probe",
      { "service.probes.readiness.enabled": false },
      "probes.readiness.enabled is false",
    ],
    ["no preStop", { "service.lifecycle.preStop.enabled": false }, "lifecycle.preStop.enabled is false"],
    ["fault injection", { "service.faults.onSigterm": "exit" }, 'faults.onSigterm is "exit"'],
    ["a grace period within the budget", { "service.terminationGracePeriodSeconds": 40 }, "must exceed"],
    [
      "a shutdown timeout below the longest request",
      { "service.app.maxRequestMs": 30000 },
      "must exceed app.drainDelayMs + app.maxRequestMs",
    ],
    // The apps count the shutdown timeout from SIGTERM: a 10 s drain leaves 20 s of a 30 s timeout,
    // exactly the longest request, with nothing to spare for writing the answer.
    [
      "a drain that eats the longest request's time (the timeout runs from SIGTERM)",
      { "service.app.drainDelayMs": 10000 },
      "must exceed app.drainDelayMs + app.maxRequestMs = 30000 ms",
    ],
    // preStop 10 s + shutdown timeout 40 s = 50 s: a 50 s grace period kills at the deadline.
    [
      "a grace period that ends at preStop + the shutdown timeout",
      { "service.app.shutdownTimeoutMs": 40000, "service.terminationGracePeriodSeconds": 50 },
      "must exceed lifecycle.preStop.sleepSeconds + app.shutdownTimeoutMs",
    ],
  ])("%s", async (_name, set, message) => {
    const error = await renderError({ chart: "go-app", values: local, set });
    expect(error).toContain(message);
    expect(error).toContain("guardrails.enforce");
  });

  it.each([
    [
      "a deregistration delay shorter than the drain",
      { "service.ingress.alb.deregistrationDelaySeconds": 20 },
      "is below",
    ],
    [
      "a deregistration delay beyond the grace period",
      { "service.ingress.alb.deregistrationDelaySeconds": 61 },
      "exceeds",
    ],
    [
      "an ALB health check timeout not below its interval (the ELB API refuses it)",
      { "service.ingress.alb.healthCheckTimeoutSeconds": 5 },
      "must be below ingress.alb.healthCheckIntervalSeconds",
    ],
    [
      "an ALB idle timeout below the WebSocket ping",
      { "service.ingress.alb.idleTimeoutSeconds": 5 },
      "idleTimeoutSeconds",
    ],
  ])("on EKS: %s", async (_name, set, message) => {
    const error = await renderError({ chart: "go-app", values: ["values-eks.yaml"], set });
    expect(error).toContain(message);
  });

  it("refuses a database egress rule without destinations (it would allow everything)", async () => {
    const error = await renderError({
      chart: "node-app",
      values: ["values-local.yaml"],
      set: { "service.networkPolicy.database.cidrs": "null" },
    });
    expect(error).toContain("networkPolicy.database.cidrs and .peers are empty");
  });
});

describe("devSync (kit dev's live reload)", () => {
  const dev = {
    "service.devSync.enabled": true,
    "service.devSync.hostPath": "/kit-dev/node-app",
    "service.devSync.command[0]": "/nodejs/bin/node",
    "service.devSync.command[1]": "dist/main.js",
    "service.devSync.subPathMounts[0].subPath": "app/dist",
    "service.devSync.subPathMounts[0].mountPath": "/app/dist",
    "service.devSync.env[0].name": "NODE_COMPILE_CACHE",
    "service.devSync.env[0].value": "/tmp/node-compile-cache",
  };

  it("runs devrun from the node's folder on the app's port, the build mounted over the image's own", async () => {
    const objects = await renderChart({ chart: "node-app", values: ["values-local.yaml"], set: dev });
    const container = appContainer(objects);
    expect(container.command).toEqual([
      "/kit-dev/bin/devrun",
      "--listen=:8080",
      "--stamp=/kit-dev/stamp",
      "--status-dir=/kit-dev/status",
      "--ready-path=/readyz",
      "--ports=18080,18081,18082,18083",
      "--drain-delay-env=DRAIN_DELAY_MS",
      "--",
      "/nodejs/bin/node",
      "dist/main.js",
    ]);
    expect(container.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: "kit-dev", mountPath: "/kit-dev" },
        { name: "kit-dev", mountPath: "/app/dist", subPath: "app/dist", readOnly: true },
      ]),
    );
    expect(envOf(container).NODE_COMPILE_CACHE).toEqual({
      name: "NODE_COMPILE_CACHE",
      value: "/tmp/node-compile-cache",
    });
    const volumes = byKind(objects, "Deployment").spec.template.spec.volumes as K8sObject[];
    expect(volumes).toContainEqual({
      name: "kit-dev",
      hostPath: { path: "/kit-dev/node-app", type: "Directory" },
    });
  });

  it("is off by default: the image's own entrypoint, no hostPath, the app's own limits", async () => {
    const container = appContainer(await renderChart({ chart: "node-app", values: ["values-local.yaml"] }));
    expect(container.command).toBeUndefined();
    expect(container.resources).toEqual({
      requests: { cpu: "100m", memory: "192Mi" },
      limits: { cpu: "500m", memory: "192Mi" },
    });
  });

  it("raises the limits under devrun (two processes during a swap) and keeps the requests", async () => {
    const container = appContainer(
      await renderChart({ chart: "node-app", values: ["values-local.yaml"], set: dev }),
    );
    expect(container.resources).toEqual({
      requests: { cpu: "100m", memory: "192Mi" },
      limits: { cpu: "2", memory: "512Mi" },
    });
  });

  it("is refused with an ingress (EKS), and without a folder or command", async () => {
    expect(await renderError({ chart: "node-app", values: ["values-eks.yaml"], set: dev })).toContain(
      "devSync.enabled is true with ingress.enabled",
    );
    expect(
      await renderError({
        chart: "node-app",
        values: ["values-local.yaml"],
        set: { "service.devSync.enabled": true },
      }),
    ).toContain("devSync.enabled needs devSync.hostPath and devSync.command");
  });
});

describe.each(APPS)("%s fault values (kit rollout's has-teeth tests)", (app) => {
  const render = (fault: (typeof FAULTS)[number]) =>
    renderChart({ chart: app, values: ["values-local.yaml", `ci/faults/${fault}.yaml`] });

  it("no-prestop renders no lifecycle hook and no in-process drain delay", async () => {
    const c = appContainer(await render("no-prestop"));
    expect(c.lifecycle).toBeUndefined();
    expect(envOf(c).DRAIN_DELAY_MS?.value).toBe("0");
  });

  it("no-readiness renders no readiness probe (startup and liveness stay)", async () => {
    const c = appContainer(await render("no-readiness"));
    expect(c.readinessProbe).toBeUndefined();
    expect(c.livenessProbe).toBeDefined();
  });

  it("exit-on-sigterm sets FAULT_ON_SIGTERM=exit", async () => {
    expect(envOf(appContainer(await render("exit-on-sigterm"))).FAULT_ON_SIGTERM?.value).toBe("exit");
  });

  it("ignore-sigterm sets FAULT_ON_SIGTERM=ignore", async () => {
    expect(envOf(appContainer(await render("ignore-sigterm"))).FAULT_ON_SIGTERM?.value).toBe("ignore");
  });

  it("short-grace kills before preStop + drain + the longest request", async () => {
    const objects = await render("short-grace");
    const c = appContainer(objects);
    const e = envOf(c);
    const grace = byKind(objects, "Deployment").spec.template.spec.terminationGracePeriodSeconds;
    const needed =
      c.lifecycle.preStop.sleep.seconds +
      (Number(e.DRAIN_DELAY_MS?.value) + Number(e.MAX_SLOW_MS?.value)) / 1000;
    expect(grace).toBeLessThan(needed);
    // The drain itself completes (streams end with their final event); the 8 s slow requests of
    // kit rollout's probe that are in flight do not.
    const drained = c.lifecycle.preStop.sleep.seconds + Number(e.DRAIN_DELAY_MS?.value) / 1000;
    expect(grace).toBeGreaterThan(drained);
    expect(grace).toBeLessThan(drained + 8);
  });

  it("max-unavailable-one-replica runs one pod that can go before its replacement", async () => {
    const objects = await render("max-unavailable-one-replica");
    const d = byKind(objects, "Deployment");
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(kinds(objects)).not.toContain("PodDisruptionBudget");
  });

  it("each fault changes only what it names: the correct values carry none of them", async () => {
    const c = appContainer(await renderChart({ chart: app, values: ["values-local.yaml"] }));
    expect(c.lifecycle.preStop.sleep).toBeDefined();
    expect(c.readinessProbe).toBeDefined();
    expect(envOf(c).FAULT_ON_SIGTERM).toBeUndefined();
  });
});
