/**
 * findings is the vocabulary of the real-AWS guard: each finding names a rule, where it applies
 * (file:line or an environment variable) and why the configuration could reach beyond the emulator.
 */
import type { HclBlock } from "./hcl.ts";

/** GUARD_RULES lists every rule; docs/terraform-isolation.md describes each. */
export const GUARD_RULES = [
  "unreadable",
  "module-unresolved",
  "module-source",
  "override-file",
  "backend",
  "remote-state",
  "provider-source",
  "provider-not-allowed",
  "provider-alias",
  "module-provider",
  "provider-credentials-source",
  "provider-network",
  "provisioner",
  "external-data",
  "real-access-key",
  "endpoint-not-local",
  "env-credentials",
  "env-endpoint",
] as const;

/** GuardRule names what a finding is about. */
export type GuardRule = (typeof GUARD_RULES)[number];

/** GuardFinding is one reason the configuration or environment could reach real AWS. */
export interface GuardFinding {
  rule: GuardRule;
  /** Where: file:line, or the environment variable. */
  where: string;
  message: string;
}

/** CREDENTIAL_ATTRS are credential sources a provider or an S3 backend could read real credentials from. */
export const CREDENTIAL_ATTRS = [
  "profile",
  "shared_credentials_files",
  "shared_config_files",
  "shared_credentials_file",
  "role_arn",
  "web_identity_token_file",
];

/** NETWORK_ATTRS are arguments that send a provider's or backend's traffic somewhere other than its endpoints. */
export const NETWORK_ATTRS = ["http_proxy", "https_proxy", "ec2_metadata_service_endpoint"];

const at = (block: HclBlock, line = block.line): string => `${block.file}:${line}`;

/** finding makes a finding at a block (or one of its lines). */
export function finding(rule: GuardRule, block: HclBlock, message: string, line?: number): GuardFinding {
  return { rule, where: at(block, line), message };
}
