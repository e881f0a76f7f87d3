import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig } from "./load.ts";

const fixture = (name: string): string => join(import.meta.dirname, "testdata", name);
const problemsOf = (name: string) => {
  try {
    parseConfig(readFileSync(fixture(name), "utf8"), `testdata/${name}`);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`${name} parsed without errors`);
};

describe("config", () => {
  it("accepts a minimal config and fills in defaults", () => {
    const config = parseConfig(readFileSync(fixture("valid-minimal.yaml"), "utf8"), "valid-minimal.yaml");
    expect(config.cluster).toMatchObject({ provider: "kind", kubernetesVersion: "v1.34.4" });
    expect(config.images.source).toBe("auto");
    expect(config.apps.web?.readinessPath).toBe("/readyz");
    expect(config.rollout.slo.maxFailedRequests).toBe(0);
  });

  it("accepts the repository's own kit.config.yaml", async () => {
    const config = await loadConfig(join(import.meta.dirname, "..", "..", "..", "kit.config.yaml"));
    expect(Object.keys(config.apps)).toEqual(["go-app", "node-app"]);
  });

  it("reports a wrong type, a missing field and an unknown key at once, each with path and line", () => {
    const err = problemsOf("invalid-three-problems.yaml");
    expect(err.kind).toBe("user");
    expect(err.problems).toHaveLength(3);
    expect(err.problems).toEqual(
      expect.arrayContaining([
        {
          path: "registry.hostPort",
          line: 5,
          message: expect.stringMatching(/expected number, received string/),
        },
        { path: "apps.web.chart", line: 7, message: expect.stringMatching(/is required/) },
        { path: "apps.web.replicas", line: 11, message: expect.stringMatching(/unknown field "replicas"/) },
      ]),
    );
    expect(err.message).toContain("testdata/invalid-three-problems.yaml:11: apps.web.replicas");
  });

  it("explains the expected shape of constrained fields", () => {
    const err = problemsOf("invalid-aws-environment.yaml");
    const paths = err.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(["environments.prod.region", "environments.prod.accountId"]),
    );
    expect(err.message).toMatch(/must be an AWS region such as eu-west-1/);
    expect(err.message).toMatch(/12-digit/);
  });

  it("reports YAML syntax errors with a line", () => {
    const err = problemsOf("invalid-yaml-syntax.yaml");
    expect(err.problems[0]?.message).toMatch(/^YAML syntax/);
    expect(err.problems[0]?.line).toBeGreaterThan(0);
  });

  it("says which file is missing", async () => {
    await expect(loadConfig("/nonexistent/kit.config.yaml")).rejects.toThrow(/nonexistent\/kit.config.yaml/);
  });
});
