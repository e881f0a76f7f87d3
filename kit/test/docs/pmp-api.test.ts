/**
 * Seed 004's deploy files must agree with the Terraform that serves them: every SSM parameter
 * serverless.yml reads is one module serverless-api writes, the names serverless derives are the
 * ones the deployer's policy is scoped to, and the pipeline migrates before it deploys, from inside
 * the VPC.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const APP = join(ROOT, "apps", "pmp-api");
const MODULE = join(ROOT, "terraform", "modules", "serverless-api");
const read = (...path: string[]) => readFileSync(join(...path), "utf8");

/** The parameter names module serverless-api writes under /<name>/. */
function terraformParameters(): string[] {
  const main = read(MODULE, "main.tf");
  const block = main.slice(main.indexOf("parameters = {"), main.indexOf("}", main.indexOf("parameters = {")));
  const names = [...block.matchAll(/^\s+"([a-z-]+)"\s+=/gm)].map((m) => m[1] as string);
  const lists = [...main.matchAll(/name\s+=\s+"\$\{local\.ssm_prefix\}\/([a-z-]+)"/g)].map(
    (m) => m[1] as string,
  );
  return [...names, ...lists].sort();
}

/** A Terraform variable's default in module serverless-api. */
function moduleDefault(variable: string): string | undefined {
  const text = read(MODULE, "variables.tf");
  const start = text.indexOf(`variable "${variable}"`);
  return /default\s+=\s+"([^"]+)"/.exec(text.slice(start, text.indexOf("\n}", start)))?.[1];
}

describe("apps/pmp-api/serverless.yml", () => {
  const text = read(APP, "serverless.yml");
  // CloudFormation's short tags (!Ref) are not YAML the parser knows: read them as plain text.
  const sls = parse(text.replaceAll("!Ref ", ""));

  it("reads only SSM parameters module serverless-api writes, under the environment's prefix", () => {
    const asked = [...text.matchAll(/\$\{ssm:\/kit-\$\{sls:stage\}-pmp\/([a-z-]+)\}/g)].map((m) => m[1]);
    expect(asked.length).toBeGreaterThan(5);
    const written = terraformParameters();
    expect(written).toContain("private-subnet-ids");
    expect([...new Set(asked)].filter((name) => !written.includes(name as string))).toEqual([]);
    // Every parameter is under the prefix the environments give the module: kit-<env>-pmp.
    expect(asked.length).toBe([...text.matchAll(/\$\{ssm:/g)].length);
    expect(read(ROOT, "terraform", "environments", "dev", "pmp_api.tf")).toContain(
      `pmp_name = "\${local.name}-pmp"`,
    );
  });

  it("is the service and function the deployer's policy is scoped to", () => {
    expect(sls.service).toBe(moduleDefault("service"));
    expect(Object.keys(sls.functions)).toEqual([moduleDefault("function")]);
    expect(sls.frameworkVersion).toBe("3");
  });

  it("runs the built handler behind one catch-all HTTP API route, on the custom domain only", () => {
    expect(sls.functions.api.handler).toBe("dist/handler.handler");
    expect(read(APP, "src", "handler.ts")).toMatch(/export async function handler\(/);
    expect(sls.functions.api.events).toEqual([{ httpApi: "*" }]);
    expect(sls.provider.httpApi.disableDefaultEndpoint).toBe(true);
    expect(sls.resources.Resources.CustomDomainMapping.Type).toBe("AWS::ApiGatewayV2::ApiMapping");
  });

  it("signs in to the database through the proxy with IAM, never with a password", () => {
    expect(Object.keys(sls.provider.environment)).toEqual(
      expect.arrayContaining(["DB_PROXY_ENDPOINT", "DB_NAME", "DB_USER", "NODE_EXTRA_CA_CERTS"]),
    );
    expect(text).not.toMatch(/DATABASE_URL|PASSWORD/i);
  });
});

describe("apps/pmp-api/.gitlab-ci.yml", () => {
  // biome-ignore lint/suspicious/noExplicitAny: pipeline YAML is arbitrary nested data.
  const ci: any = parse(read(APP, ".gitlab-ci.yml"));

  it("tests, then migrates from a runner inside the VPC, then deploys, in each environment", () => {
    expect(ci.stages).toEqual(["test", "migrate", "deploy"]);
    for (const env of ["dev", "prod"]) {
      expect(ci[`migrate-${env}`].tags).toEqual([`pmp-vpc-${env}`]);
      expect(ci[`deploy-${env}`].needs).toContain(`migrate-${env}`);
    }
    expect(ci["deploy-dev"].needs).toContain("test");
    expect(ci["migrate-prod"].needs).toEqual(["deploy-dev"]);
    expect(ci["migrate-prod"].rules[0].when).toBe("manual");
  });

  it("runs the repository's migrations and deploys with serverless v3 from the npm registry", () => {
    expect(ci[".migrate"].script.at(-1)).toBe("npm run migrate -- up");
    expect(JSON.parse(read(APP, "package.json")).scripts.migrate).toMatch(/^node-pg-migrate /);
    expect(ci[".deploy"].script.at(-1)).toMatch(
      /^npx --yes serverless@3\.\d+\.\d+ deploy --stage "\$ENVIRONMENT"/,
    );
  });

  it("serializes migrations and deploys per environment", () => {
    expect(ci[".migrate"].resource_group).toBe("pmp-migrate-$ENVIRONMENT");
    expect(ci[".deploy"].resource_group).toBe("pmp-deploy-$ENVIRONMENT");
  });
});
