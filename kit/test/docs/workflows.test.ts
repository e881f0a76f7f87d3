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
    for (const job of ["plan", "apply", "build", "deploy"]) {
      expect(cd.jobs[job].permissions["id-token"], job).toBe("write");
    }
  });

  it("applies Terraform only behind an approval environment, and deploys by digest behind the rollout gate", () => {
    expect(cd.jobs.apply.environment).toMatch(/-infra$/);
    expect(
      cd.jobs.apply.steps.some(
        (s: { run?: string }) => s.run?.includes("terraform apply") && s.run.includes("tfplan"),
      ),
    ).toBe(true);
    const deploy = cd.jobs.deploy.steps.map((s: { run?: string }) => s.run ?? "").join("\n");
    expect(deploy).toContain("kit rollout");
    expect(deploy).toContain("service.image.digest=$DIGEST");
    expect(deploy).toContain('helm -n "$NAMESPACE" rollback');
  });

  it("names only role outputs Terraform has", () => {
    const outputs = readFileSync(join(ROOT, "terraform", "environments", "dev", "outputs.tf"), "utf8");
    for (const output of ["ci_deploy_role_arn", "ci_plan_role_arn", "ci_apply_role_arn"]) {
      expect(outputs).toContain(`output "${output}"`);
    }
  });
});
