/**
 * guard is the real-AWS guard of local mode: before kit runs Terraform or an AWS SDK call against
 * the emulator, it refuses (fails closed) anything that could reach real AWS: a remote backend or
 * remote state, an S3 backend not aimed at the emulator, AWS provider blocks in child modules
 * (overrides only apply to the root module, the known tflocal pitfall), profiles or shared
 * credential files, access keys that look real, an emulator endpoint on amazonaws.com, and an
 * environment carrying real credentials or lacking the emulator endpoint.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../../errors.ts";
import { attr, type HclBlock, literal, parseHcl, parseTfJson } from "./hcl.ts";

/** GuardFinding is one reason the configuration or environment could reach real AWS. */
export interface GuardFinding {
  rule:
    | "backend"
    | "remote-state"
    | "module-provider"
    | "provider-credentials-source"
    | "real-access-key"
    | "endpoint-not-local"
    | "env-credentials"
    | "env-endpoint";
  /** Where: file:line, or the environment variable. */
  where: string;
  message: string;
}

/** TerraformModule is the parsed configuration of one module directory. */
export interface TerraformModule {
  dir: string;
  root: boolean;
  blocks: HclBlock[];
}

/** readModuleDir parses every *.tf and *.tf.json file of one directory. */
export function readModuleDir(dir: string): HclBlock[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".tf") || f.endsWith(".tf.json"))
    .sort();
  return files.flatMap((f) => {
    const text = readFileSync(join(dir, f), "utf8");
    return f.endsWith(".json") ? parseTfJson(text, join(dir, f)) : parseHcl(text, join(dir, f));
  });
}

/**
 * loadConfiguration reads the root module and every local child module (source "./..." or
 * "../..."), plus modules `terraform init` installed under .terraform/modules when present.
 */
export function loadConfiguration(rootDir: string): TerraformModule[] {
  const seen = new Set<string>();
  const modules: TerraformModule[] = [];
  const visit = (dir: string, root: boolean): void => {
    const abs = resolve(dir);
    if (seen.has(abs) || !existsSync(abs)) return;
    seen.add(abs);
    const blocks = readModuleDir(abs);
    modules.push({ dir: abs, root, blocks });
    for (const block of blocks.filter((b) => b.type === "module")) {
      const source = literal(attr(block, "source"));
      if (source && (source.startsWith("./") || source.startsWith("../"))) visit(join(abs, source), false);
    }
  };
  visit(rootDir, true);
  const manifest = join(rootDir, ".terraform", "modules", "modules.json");
  if (existsSync(manifest)) {
    const { Modules = [] } = JSON.parse(readFileSync(manifest, "utf8")) as { Modules?: { Dir: string }[] };
    for (const m of Modules) if (m.Dir && m.Dir !== ".") visit(join(rootDir, m.Dir), false);
  }
  return modules;
}

const REAL_KEY = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/;

function where(block: HclBlock, line = block.line): string {
  return `${block.file}:${line}`;
}

/** isLocalEndpoint says whether an endpoint URL is not AWS (loopback, a container name, a private host). */
export function isLocalEndpoint(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  if (host.endsWith("amazonaws.com") || host.endsWith("amazonaws.com.cn") || host.endsWith("aws"))
    return false;
  return url.protocol === "http:" || url.protocol === "https:";
}

function pointsAt(value: string | undefined, endpoint: string): boolean {
  if (!value) return false;
  try {
    return new URL(value).origin === new URL(endpoint).origin;
  } catch {
    return false;
  }
}

/** s3BackendEndpoint returns the literal S3 endpoint an s3 backend block sets, if any. */
function s3BackendEndpoint(backend: HclBlock): string | undefined {
  const nested = backend.blocks.find((b) => b.type === "endpoints");
  const fromNested = nested ? literal(attr(nested, "s3")) : undefined;
  const endpointsAttr = attr(backend, "endpoints");
  const fromAttr = endpointsAttr ? /\bs3\s*[=:]\s*"([^"]+)"/.exec(endpointsAttr)?.[1] : undefined;
  return fromNested ?? fromAttr ?? literal(attr(backend, "endpoint"));
}

/** checkConfiguration returns every finding in the parsed modules for an emulator at endpoint. */
export function checkConfiguration(modules: TerraformModule[], endpoint: string): GuardFinding[] {
  const findings: GuardFinding[] = [];
  for (const mod of modules) {
    for (const block of mod.blocks) {
      if (block.type === "terraform") {
        for (const inner of block.blocks) {
          if (inner.type === "cloud") {
            findings.push({
              rule: "backend",
              where: where(inner),
              message: "a `cloud` block sends state to HCP Terraform; local mode keeps state local.",
            });
          }
          if (inner.type !== "backend") continue;
          const kind = inner.labels[0] ?? "";
          if (kind === "local") continue;
          if (kind === "s3" && pointsAt(s3BackendEndpoint(inner), endpoint)) continue;
          findings.push({
            rule: "backend",
            where: where(inner),
            message:
              kind === "s3"
                ? `backend "s3" does not point its S3 endpoint at the emulator (${endpoint}); it would read and write state in real AWS.`
                : `backend "${kind}" stores state outside this machine.`,
          });
        }
      }
      if (block.type === "data" && block.labels[0] === "terraform_remote_state") {
        const backend = literal(attr(block, "backend"));
        if (backend !== "local") {
          findings.push({
            rule: "remote-state",
            where: where(block),
            message: `data "terraform_remote_state" "${block.labels[1]}" reads ${backend ?? "non-literal"} state, which can be real AWS.`,
          });
        }
      }
      if (block.type === "provider" && block.labels[0] === "aws") {
        const alias = literal(attr(block, "alias"));
        const name = alias ? `aws.${alias}` : "aws";
        if (!mod.root) {
          findings.push({
            rule: "module-provider",
            where: where(block),
            message: `provider "${name}" is configured inside module ${mod.dir}; endpoint overrides only apply to the root module, so it would call real AWS.`,
          });
        }
        for (const key of [
          "profile",
          "shared_credentials_files",
          "shared_config_files",
          "shared_credentials_file",
        ]) {
          const a = block.attributes.find((x) => x.name === key);
          if (a) {
            findings.push({
              rule: "provider-credentials-source",
              where: where(block, a.line),
              message: `provider "${name}" sets ${key}, which loads real credentials.`,
            });
          }
        }
        if (block.blocks.some((b) => b.type === "assume_role_with_web_identity")) {
          findings.push({
            rule: "provider-credentials-source",
            where: where(block),
            message: `provider "${name}" uses assume_role_with_web_identity, which exchanges a real identity token.`,
          });
        }
      }
    }
    const scan = (block: HclBlock): void => {
      for (const a of block.attributes) {
        if (REAL_KEY.test(a.expr)) {
          findings.push({
            rule: "real-access-key",
            where: where(block, a.line),
            message: `${a.name} holds what looks like a real AWS access key id (AKIA/ASIA...).`,
          });
        }
      }
      for (const b of block.blocks) scan(b);
    };
    for (const block of mod.blocks) scan(block);
  }
  if (!isLocalEndpoint(endpoint)) {
    findings.push({
      rule: "endpoint-not-local",
      where: "emulator endpoint",
      message: `${endpoint} is not a local emulator endpoint.`,
    });
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
export function checkEnvironment(env: NodeJS.ProcessEnv, endpoint: string): GuardFinding[] {
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
  const key = env.AWS_ACCESS_KEY_ID ?? "";
  if (REAL_KEY.test(key)) {
    findings.push({
      rule: "env-credentials",
      where: "AWS_ACCESS_KEY_ID",
      message: "AWS_ACCESS_KEY_ID looks like a real key (AKIA/ASIA...).",
    });
  }
  if (!pointsAt(env.AWS_ENDPOINT_URL, endpoint)) {
    findings.push({
      rule: "env-endpoint",
      where: "AWS_ENDPOINT_URL",
      message: `AWS_ENDPOINT_URL is ${env.AWS_ENDPOINT_URL ? `${env.AWS_ENDPOINT_URL}, not` : "not set to"} the emulator (${endpoint}).`,
    });
  }
  return findings;
}

/**
 * localAwsEnv returns the environment kit runs Terraform and AWS tools with in local mode: the
 * given environment without any variable that selects real credentials, plus the emulator's
 * endpoint and dummy credentials. Pass it with inheritEnv: false.
 */
export function localAwsEnv(
  endpoint: string,
  region: string,
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined) continue;
    if (k.startsWith("AWS_")) continue;
    env[k] = v;
  }
  return {
    ...env,
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
      `Local mode refuses to run: this could reach real AWS.\n${findings.map((f) => `  - ${f.where}: ${f.message}`).join("\n")}`,
      {
        hint:
          "Keep the local environment's Terraform on the local backend, configure AWS providers only in the root module " +
          "(pass them to modules with `providers = { aws = aws.x }`), and use no profiles or real keys; kit supplies the emulator's endpoint and dummy credentials.",
      },
    );
  }
}

/** assertLocalOnly throws RealAwsRefused when the configuration in dir or env could reach real AWS. */
export function assertLocalOnly(dir: string | undefined, env: NodeJS.ProcessEnv, endpoint: string): void {
  const findings = [
    ...(dir ? checkConfiguration(loadConfiguration(dir), endpoint) : []),
    ...checkEnvironment(env, endpoint),
  ];
  if (dir === undefined && !isLocalEndpoint(endpoint)) {
    findings.push({
      rule: "endpoint-not-local",
      where: "emulator endpoint",
      message: `${endpoint} is not a local emulator endpoint.`,
    });
  }
  if (findings.length > 0) throw new RealAwsRefused(findings);
}
