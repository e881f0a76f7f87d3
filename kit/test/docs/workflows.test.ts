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

describe(".github/workflows/data-api.yml", () => {
  const dataApi = workflow("data-api.yml");
  const text = readFileSync(join(ROOT, ".github", "workflows", "data-api.yml"), "utf8");

  it("tests first, then creates the registry and table before pushing, and records a digest only after ECS took it", () => {
    expect(dataApi.jobs.deploy.needs).toEqual(["test"]);
    const steps = dataApi.jobs.deploy.steps as { name?: string; run?: string; uses?: string }[];
    const at = (match: (s: { name?: string; run?: string; uses?: string }) => boolean): number =>
      steps.findIndex(match);
    const targeted = at((s) => (s.run ?? "").includes("-target=module.ecr -target=module.data_api_table"));
    const push = at((s) => (s.uses ?? "").startsWith("docker/build-push-action"));
    const plan = at((s) => (s.run ?? "").includes('-var "data_api_image_digest=$DIGEST"'));
    const apply = at((s) => (s.run ?? "").includes("terraform apply -input=false data-api.tfplan"));
    const record = at((s) => (s.run ?? "").includes("aws ssm put-parameter"));
    expect([targeted, push, plan, apply, record].every((i) => i >= 0)).toBe(true);
    expect(targeted).toBeLessThan(push);
    expect(push).toBeLessThan(plan);
    expect(plan).toBeLessThan(apply);
    expect(apply).toBeLessThan(record);
  });

  it("deploys the environments Terraform has, with AWS credentials only through OIDC", () => {
    for (const env of dataApi.on.workflow_dispatch.inputs.environment.options as string[])
      expect(existsSync(join(ROOT, "terraform", "environments", env, "data_api.tf")), env).toBe(true);
    expect(dataApi.jobs.deploy.permissions["id-token"]).toBe("write");
    expect(text).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY|secrets\.AWS/);
  });
});
