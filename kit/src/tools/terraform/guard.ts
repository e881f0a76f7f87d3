/**
 * guard is the fast first line of local mode: before kit runs Terraform against the emulator (in
 * the sandbox, which is what makes the promise true), it reads every file Terraform would read and
 * refuses, with file:line and the rule, anything that could reach beyond the emulator or use real
 * credentials. It fails closed: a file it cannot parse, a module it cannot find, or a value it
 * cannot resolve without evaluating (a templated alias, a computed source) is a refusal too.
 */
import { UserError } from "../../errors.ts";
import { type LoadedConfiguration, type LoadOptions, loadConfiguration } from "./configuration.ts";
import { type GuardOptions, isLocalEndpoint, pointsAt, REAL_KEY } from "./endpoints.ts";
import type { GuardFinding } from "./findings.ts";
import { attr, type HclBlock, literal } from "./hcl.ts";
import { checkModule } from "./rules.ts";

export { type GuardOptions, isLocalEndpoint, pointsAt, REAL_KEY } from "./endpoints.ts";
export type { GuardFinding, GuardRule } from "./findings.ts";

/** checkConfiguration returns every finding in a loaded configuration. */
export function checkConfiguration(config: LoadedConfiguration, options: GuardOptions): GuardFinding[] {
  const findings = [...config.findings];
  for (const mod of config.modules) findings.push(...checkModule(mod, options));
  for (const vars of config.variableFiles) {
    for (const a of vars.attributes) {
      if (REAL_KEY.test(a.expr)) {
        findings.push({
          rule: "real-access-key",
          where: `${vars.file}:${a.line}`,
          message: `variable ${a.name} holds what looks like a real AWS access key id (AKIA/ASIA...).`,
        });
      }
    }
  }
  for (const endpoint of options.endpoints) {
    if (!isLocalEndpoint(endpoint)) {
      findings.push({
        rule: "endpoint-not-local",
        where: "emulator endpoint",
        message: `${endpoint} is not a local emulator endpoint.`,
      });
    }
  }
  return findings;
}

/** SENSITIVE_AWS_ENV are variables that select or carry real AWS credentials. */
export const SENSITIVE_AWS_ENV = [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
  "AWS_CREDENTIAL_EXPIRATION",
] as const;

/** checkEnvironment returns findings for an environment that is about to run Terraform or the SDK. */
export function checkEnvironment(env: NodeJS.ProcessEnv, endpoints: readonly string[]): GuardFinding[] {
  const findings: GuardFinding[] = [];
  for (const name of SENSITIVE_AWS_ENV) {
    if (env[name]) {
      findings.push({
        rule: "env-credentials",
        where: name,
        message: `${name} is set; it selects real AWS credentials.`,
      });
    }
  }
  for (const [name, value] of Object.entries(env)) {
    if (value && REAL_KEY.test(value)) {
      findings.push({
        rule: "env-credentials",
        where: name,
        message: `${name} holds what looks like a real AWS access key id (AKIA/ASIA...).`,
      });
    }
  }
  if (!pointsAt(env.AWS_ENDPOINT_URL, endpoints)) {
    findings.push({
      rule: "env-endpoint",
      where: "AWS_ENDPOINT_URL",
      message: `AWS_ENDPOINT_URL is ${env.AWS_ENDPOINT_URL ? `${env.AWS_ENDPOINT_URL}, not` : "not set to"} the emulator (${endpoints.join(" or ")}).`,
    });
  }
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith("AWS_ENDPOINT_URL_") && value && !pointsAt(value, endpoints)) {
      findings.push({ rule: "env-endpoint", where: name, message: `${name} is ${value}, not the emulator.` });
    }
  }
  return findings;
}

/**
 * localAwsEnv returns the AWS part of the environment kit runs Terraform and AWS tools with in
 * local mode: the emulator's endpoint and dummy credentials, and nothing from the user's shell.
 */
export function localAwsEnv(endpoint: string, region: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/** RealAwsRefused is the error the guard raises; it lists every finding. */
export class RealAwsRefused extends UserError {
  constructor(readonly findings: GuardFinding[]) {
    super(
      `Local mode refuses to run: this could reach beyond the AWS emulator.\n${findings.map((f) => `  - ${f.where}: [${f.rule}] ${f.message}`).join("\n")}`,
      {
        hint:
          "Keep the local environment's Terraform on the local backend, configure AWS providers only in the root module " +
          "(pass them to modules with `providers = { aws = aws.x }`), use no profiles, real keys, provisioners or " +
          "providers other than hashicorp/aws and offline ones; kit supplies the emulator's endpoint and dummy credentials. " +
          "docs/terraform-isolation.md lists every rule.",
      },
    );
  }
}

/** GuardRequest is what assertLocalOnly checks. */
export interface GuardRequest extends GuardOptions, LoadOptions {
  /** The root module directory on this host. */
  rootDir: string;
  /** The environment Terraform will run with. */
  env: NodeJS.ProcessEnv;
}

/** assertLocalOnly throws RealAwsRefused when the configuration or environment could reach beyond the emulator. */
export function assertLocalOnly(request: GuardRequest): LoadedConfiguration {
  const config = loadConfiguration(request.rootDir, request);
  const findings = [
    ...checkConfiguration(config, request),
    ...checkEnvironment(request.env, request.endpoints),
  ];
  if (findings.length > 0) throw new RealAwsRefused(findings);
  return config;
}

/** rootAwsProviders returns the root module's provider "aws" blocks (kit's override targets). */
export function rootAwsProviders(config: LoadedConfiguration): HclBlock[] {
  return (config.modules.find((m) => m.root)?.blocks ?? []).filter(
    (b) => b.type === "provider" && b.labels[0] === "aws",
  );
}

/** providerAlias returns a provider block's alias ("" for the default configuration), or undefined when it is not a literal. */
export function providerAlias(block: HclBlock): string | undefined {
  const expr = attr(block, "alias");
  return expr === undefined ? "" : literal(expr);
}
