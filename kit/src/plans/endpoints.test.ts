import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { endpointsKeys, endpointsSchema } from "../environment/endpoints-schema.ts";
import { buildEndpoints, endpointsRecorder, helmReleaseData } from "./endpoints.ts";
import { appReleaseSpec } from "./up-release.ts";

const goApp = appReleaseSpec({
  name: "go-app",
  app: {
    chart: "charts/go-app",
    values: { local: ["charts/go-app/values-local.yaml"] },
    image: "go-app",
    hostPort: 30080,
    usesDatabase: false,
  },
  namespace: "kit",
  clusterProvider: "kind",
  pushed: { ref: "localhost:5001/go-app:abc", digest: "sha256:1" },
  registry: "localhost:5001",
  emulator: { clusterEndpoint: "http://kit-moto:5000", region: "us-east-1" },
  terraform: { queue_url: "http://q,a=b" },
});

const outputs = {
  environment: "kit (state in /c/envs/kit)",
  registry: "localhost:5001",
  kubeContext: "kind-kit",
  kubeconfig: "/c/envs/kit/kubeconfig",
  namespace: "kit",
  awsEndpoint: "http://127.0.0.1:4566",
  mongodbUrl: "mongodb://127.0.0.1:27017/orders",
  mongodbClusterUrl: "mongodb://kit-mongo:27017/orders",
  "url:go-app": "http://127.0.0.1:30080",
};

describe("buildEndpoints", () => {
  it("makes a version 1 document with a plain context name and each app's release", () => {
    const built = buildEndpoints("kit", { outputs, releases: { "go-app": goApp } });
    if (!("document" in built)) throw new Error(built.missing.join("; "));
    expect(built.document).toMatchObject({
      version: 1,
      environmentName: "kit",
      kubeContext: "kind-kit",
      registry: "localhost:5001",
      apps: {
        "go-app": {
          url: "http://127.0.0.1:30080",
          image: "localhost:5001/go-app",
          release: {
            chart: "charts/go-app",
            valuesFiles: ["charts/go-app/values-local.yaml"],
            valuesFile: ".kit/values/go-app.json",
            typedValues: { "service.service.nodePort": "30080" },
          },
        },
      },
    });
    expect(built.document.apps["go-app"]?.release.values).toEqual(goApp.set);
    expect(built.document.apps["go-app"]?.release.values["service.app.extraEnv[2].value"]).toBe(
      "http://q,a=b",
    );
  });

  it("lists what is missing when the run did not reach every part", () => {
    const { registry: _, ...partial } = outputs;
    const built = buildEndpoints("kit", { outputs: partial, releases: {} });
    expect(built).toEqual({ missing: [expect.stringMatching(/^registry: /)] });
  });

  it("keeps the apps of the previous document that this run did not deploy", () => {
    const first = buildEndpoints("kit", { outputs, releases: { "go-app": goApp } });
    if (!("document" in first)) throw new Error("first document");
    const { "url:go-app": _, ...withoutApp } = outputs;
    const second = buildEndpoints(
      "kit",
      { outputs: { ...withoutApp, registry: "localhost:5002" }, releases: {} },
      first.document,
    );
    if (!("document" in second)) throw new Error(second.missing.join("; "));
    expect(second.document.registry).toBe("localhost:5002");
    expect(Object.keys(second.document.apps)).toEqual(["go-app"]);
  });

  it("leaves out an app that was deployed but never answered", () => {
    const { "url:go-app": _, ...withoutUrl } = outputs;
    const built = buildEndpoints("kit", { outputs: withoutUrl, releases: { "go-app": goApp } });
    expect("document" in built && built.document.apps).toEqual({});
  });
});

describe("endpointsSchema", () => {
  it("refuses another version, an unknown key and a registry that is not host:port", () => {
    const built = buildEndpoints("kit", { outputs, releases: {} });
    if (!("document" in built)) throw new Error("document");
    expect(endpointsSchema.safeParse({ ...built.document, version: 2 }).success).toBe(false);
    expect(endpointsSchema.safeParse({ ...built.document, kubeContextName: "x" }).success).toBe(false);
    expect(endpointsSchema.safeParse({ ...built.document, registry: "http://localhost:5001" }).success).toBe(
      false,
    );
  });

  it("lists every key a reader may use", () => {
    expect(endpointsKeys()).toEqual(
      expect.arrayContaining(["kubeContext", "apps", "apps.*.url", "apps.*.release.typedValues"]),
    );
  });
});

describe("endpointsRecorder", () => {
  const root = mkdtempSync(join(tmpdir(), "kit-endpoints-"));
  const environment = { name: "kit", endpointsFile: join(root, "env", "endpoints.json") };
  const events = (recorder: ReturnType<typeof endpointsRecorder>, values: Record<string, string>) => {
    for (const [key, value] of Object.entries(values)) {
      recorder.sink({ type: "plan-output", time: 0, key, label: key, value });
    }
  };

  it("writes the document, in the environment and the checkout, and each app's computed values nested", async () => {
    const recorder = endpointsRecorder(root, environment);
    events(recorder, outputs);
    recorder.sink({
      type: "step-data",
      time: 0,
      step: "deploy:go-app",
      data: helmReleaseData("go-app", goApp),
    });
    expect(await recorder.write()).toEqual({ written: true, missing: [] });
    const checkout = JSON.parse(readFileSync(join(root, ".kit", "endpoints.json"), "utf8"));
    expect(endpointsSchema.parse(checkout).apps["go-app"]?.url).toBe("http://127.0.0.1:30080");
    expect(readFileSync(environment.endpointsFile, "utf8")).toBe(
      readFileSync(join(root, ".kit", "endpoints.json"), "utf8"),
    );
    const valuesFile = join(root, ".kit", "values", "go-app.json");
    expect(JSON.parse(readFileSync(valuesFile, "utf8")).service.image).toEqual({
      repository: "go-app",
      digest: "sha256:1",
      registry: "localhost:5001",
    });
    expect(statSync(valuesFile).mode & 0o777).toBe(0o600);
  });

  it("leaves the last complete document when a run did not reach every part", async () => {
    const checkoutFile = join(root, ".kit", "endpoints.json");
    const before = readFileSync(checkoutFile, "utf8");
    const recorder = endpointsRecorder(root, { name: "other", endpointsFile: join(root, "other.json") });
    events(recorder, { kubeContext: "kind-other" });
    const result = await recorder.write();
    expect(result.written).toBe(false);
    expect(result.missing).toContain("registry: Invalid input: expected string, received undefined");
    expect(readFileSync(checkoutFile, "utf8")).toBe(before);
    expect(existsSync(join(root, "other.json"))).toBe(false);
  });
});
