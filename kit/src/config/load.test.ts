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

  it("refuses terraform.passEnv names that kit sets in the sandbox or that are not variable names", () => {
    const err = problemsOf("invalid-pass-env.yaml");
    expect(err.problems.map((p) => [p.path, p.line])).toEqual([
      ["terraform.passEnv[1]", 7],
      ["terraform.passEnv[2]", 8],
    ]);
    expect(err.problems[0]?.message).toMatch(/set by kit in the Terraform sandbox/);
    const config = parseConfig(readFileSync(fixture("valid-minimal.yaml"), "utf8"), "valid-minimal.yaml");
    expect(config.terraform.passEnv).toEqual([]);
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

  it("puts an unclosed quote on the line that opens it, not at the end of the file", () => {
    const text = 'apiVersion: kit.dev/v1alpha1\nkind: Config\nproject: "kit\nimages:\n  source: auto\n';
    const err = (() => {
      try {
        parseConfig(text, "kit.config.yaml");
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.problems[0]).toMatchObject({
      line: 3,
      message: expect.stringMatching(/Missing closing "quote/),
    });
  });

  it("refuses an alias bomb and absurd nesting as config errors (exit 2), not crashes", () => {
    const levels = ["a: &a [x,x,x,x,x,x,x,x,x]"];
    for (const [i, name] of ["b", "c", "d", "e", "f"].entries()) {
      const prev = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    expect(() => parseConfig(levels.join("\n"), "bomb.yaml")).toThrow(
      /aliases expand to more than 1000 nodes/,
    );
    expect(() => parseConfig(`x: ${"[".repeat(20_000)}`, "deep.yaml")).toThrow(ConfigError);
    expect(() => parseConfig(`x: ${"[".repeat(20_000)}`, "deep.yaml")).toThrow(/nests too deeply/);
  });

  it("refuses two fields on one host port, naming both", () => {
    const text = readFileSync(join(import.meta.dirname, "..", "..", "..", "kit.config.yaml"), "utf8").replace(
      "hostPort: 4566",
      "hostPort: 5001",
    );
    expect(() => parseConfig(text, "kit.config.yaml")).toThrow(
      /aws.hostPort: port 5001 is also registry.hostPort's; each host port must differ/,
    );
  });

  it("reads container apps, and refuses one on an app's port, one that is also a Helm app, or a bad env value", () => {
    const repo = readFileSync(join(import.meta.dirname, "..", "..", "..", "kit.config.yaml"), "utf8");
    const config = parseConfig(repo, "kit.config.yaml");
    expect(config.containers["data-api"]).toMatchObject({
      port: 8080,
      hostPort: 30082,
      readinessPath: "/readyz",
      env: {
        DYNAMODB_TABLE: { terraformOutput: "data_api_table_name" },
        AWS_ENDPOINT_URL: { aws: "endpoint" },
      },
    });
    expect(() => parseConfig(repo.replace("hostPort: 30082", "hostPort: 30080"), "kit.config.yaml")).toThrow(
      /containers.data-api.hostPort: port 30080 is also apps.go-app.hostPort's/,
    );
    expect(() =>
      parseConfig(repo.replace("  data-api:\n    path", "  go-app:\n    path"), "kit.config.yaml"),
    ).toThrow(/"go-app" is also under apps; an app is either a Helm release or a container/);
    expect(() => parseConfig(repo.replace("{ aws: endpoint }", "{ aws: url }"), "kit.config.yaml")).toThrow(
      /containers.data-api.env.AWS_ENDPOINT_URL/,
    );
  });

  it("says which file is missing", async () => {
    await expect(loadConfig("/nonexistent/kit.config.yaml")).rejects.toThrow(/nonexistent\/kit.config.yaml/);
  });
});
