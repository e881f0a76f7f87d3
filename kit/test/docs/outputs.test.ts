/**
 * What the deployment plan and the EKS values files take from Terraform must exist: every
 * `terraform output NAME` they name is an output of the dev and prod environments, and the load
 * balancer controller's install sets the region and VPC it cannot discover (instance metadata
 * allows one hop, so pods cannot reach it).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

/** outputsOf returns the output names declared in an environment's outputs.tf. */
function outputsOf(environment: string): string[] {
  const text = readFileSync(join(ROOT, "terraform/environments", environment, "outputs.tf"), "utf8");
  return [...text.matchAll(/^output\s+"([\w-]+)"/gm)].map((m) => m[1] as string);
}

/** outputsNamedIn returns each NAME of `terraform output [-raw|-json] NAME` in text. */
function outputsNamedIn(text: string): string[] {
  return [...text.matchAll(/terraform output (?:-raw |-json )?([a-z_][\w]*)/g)].map((m) => m[1] as string);
}

const readers = [
  "docs/deployment-plan.md",
  "charts/go-app/values-eks.yaml",
  "charts/node-app/values-eks.yaml",
] as const;

describe.each(["dev", "prod"])("outputs of the %s environment", (environment) => {
  it.each(readers)("cover every terraform output %s names", (file) => {
    const named = outputsNamedIn(readFileSync(join(ROOT, file), "utf8"));
    expect(named.filter((name) => !outputsOf(environment).includes(name))).toEqual([]);
  });
});

describe("the AWS Load Balancer Controller install", () => {
  it("sets region and vpcId (from a Terraform output)", () => {
    const plan = readFileSync(join(ROOT, "docs/deployment-plan.md"), "utf8");
    const install =
      /helm upgrade --install aws-load-balancer-controller[^`]*?(?=\n\s*```)/s.exec(plan)?.[0] ?? "";
    expect(install).toContain("--set clusterName=");
    expect(install).toMatch(/--set region=\S+/);
    expect(install).toContain("--set vpcId=$(terraform output -raw vpc_id)");
  });
});

describe("kit.config.yaml", () => {
  // biome-ignore lint/suspicious/noExplicitAny: the config file is read as plain YAML here.
  const config = parse(readFileSync(join(ROOT, "kit.config.yaml"), "utf8")) as any;

  it.each(["dev", "prod"])(
    "%s: every terraformValues output exists and HTTPS, WAF and access logs are wired",
    (env) => {
      for (const app of ["go-app", "node-app"]) {
        const values = config.environments[env].apps[app].terraformValues as Record<string, string>;
        for (const output of Object.values(values)) {
          expect(outputsOf(env)).toContain(output.split(".")[0]);
        }
        expect(values["service.ingress.alb.certificateArn"]).toBe("certificate_arn");
        expect(values["service.ingress.alb.wafv2AclArn"]).toBe("web_acl_arn");
        expect(values["service.ingress.alb.accessLogsBucket"]).toBe("alb_access_logs_bucket");
      }
    },
  );

  it.each(["dev", "prod"])(
    "%s: images go to the environment's own ECR repositories (named kit-<env>/<app> by Terraform: environment.tftest.hcl)",
    (env) => {
      expect(config.environments[env].registry.repositoryPrefix).toBe(`kit-${env}/`);
    },
  );
});
