/**
 * The CI/CD workflows must keep pointing at things that exist: the test command, the charts'
 * EKS values, the Terraform environments and the roles Terraform outputs.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

// biome-ignore lint/suspicious/noExplicitAny: workflow YAML is arbitrary nested data.
function workflow(name: string): any {
  return parse(readFileSync(join(ROOT, ".github", "workflows", name), "utf8"));
}

describe(".github/workflows/ci.yml", () => {
  const ci = workflow("ci.yml");

  it("runs npm test on pull requests and pushes to main, and can be called by CD", () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(["pull_request", "push", "workflow_call"]));
    const steps = ci.jobs.test.steps.map((s: { run?: string }) => s.run).filter(Boolean);
    expect(steps).toContain("npm test");
  });
});

describe(".github/workflows/cd.yml", () => {
  const cd = workflow("cd.yml");
  const text = readFileSync(join(ROOT, ".github", "workflows", "cd.yml"), "utf8");

  it("offers exactly the environments Terraform has, and deploys only apps that have EKS values", () => {
    const environments = cd.on.workflow_dispatch.inputs.environment.options as string[];
    for (const env of environments)
      expect(existsSync(join(ROOT, "terraform", "environments", env, "main.tf")), env).toBe(true);
    for (const app of (cd.on.workflow_dispatch.inputs.apps.default as string).split(" ")) {
      expect(existsSync(join(ROOT, "charts", app, "values-eks.yaml")), app).toBe(true);
    }
  });

  it("gets AWS credentials only through OIDC, never from stored keys", () => {
    expect(text).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY|secrets\.AWS/);
    expect(cd.jobs.promote.permissions["id-token"]).toBe("write");
  });

  it("gates locally, then promotes with kit promote behind the environment's approval; nothing else rolls back", () => {
    expect(cd.jobs.promote.environment).toMatch(/inputs\.environment/);
    const runs = cd.jobs.promote.steps.map((s: { run?: string }) => s.run ?? "");
    const at = (command: string): number => runs.findIndex((r: string) => r.includes(command));
    expect(at("npm run up")).toBeGreaterThanOrEqual(0);
    expect(at("kit rollout")).toBeGreaterThan(at("npm run up"));
    expect(at("kit promote")).toBeGreaterThan(at("kit rollout"));
    expect(runs[at("kit promote")]).toContain("--approve");
    // kit promote rolls back only what it upgraded; no step may roll back a release on its own.
    expect(text).not.toMatch(/helm[^\n]*rollback/);
    expect(text).not.toMatch(/if:\s*failure\(\)/);
  });

  it("names only role outputs Terraform has", () => {
    const outputs = readFileSync(join(ROOT, "terraform", "environments", "dev", "outputs.tf"), "utf8");
    for (const output of ["ci_deploy_role_arn", "ci_plan_role_arn", "ci_apply_role_arn"]) {
      expect(outputs).toContain(`output "${output}"`);
    }
  });

  it("promotes to environments kit.config.yaml defines as AWS environments, under the context CD creates", () => {
    const config = parse(readFileSync(join(ROOT, "kit.config.yaml"), "utf8"));
    for (const env of cd.on.workflow_dispatch.inputs.environment.options as string[]) {
      expect(config.environments[env]?.type, env).toBe("aws");
      expect(config.environments[env]?.kubeContext, env).toBe(`kit-${env}`);
    }
    expect(text).toContain('--alias "$PROJECT-$ENVIRONMENT"');
  });
});
