/**
 * mirror builds terraform-provider-aws from the Go module proxy and lays it out as a Terraform
 * filesystem mirror (registry.terraform.io/hashicorp/aws/<version>/linux_amd64/...), with a CLI
 * configuration that makes `terraform init` (or `tofu init`) install providers from that mirror
 * only, so init works with no access to the provider registry.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { arch, platform } from "node:os";
import { join } from "node:path";
import { cacheDir } from "../../paths.ts";
import { buildGoProgram, type GoBuildOptions, type GoBuildSpec } from "../go-build.ts";
import { AWS_PROVIDER_PIN } from "./versions.ts";

/** ProviderMirror says where the mirror and its CLI configuration are. */
export interface ProviderMirror {
  /** The filesystem mirror root (holds registry.terraform.io/...). */
  dir: string;
  /** A CLI configuration file to pass as TF_CLI_CONFIG_FILE. */
  cliConfigFile: string;
  /** The AWS provider version the mirror holds. */
  awsVersion: string;
  /** false when the provider came from the cache. */
  built: boolean;
}

/** terraformPlatform returns Terraform's platform name for this machine, e.g. "linux_amd64". */
export function terraformPlatform(): string {
  const goArch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${platform()}_${goArch[arch()] ?? arch()}`;
}

/** awsProviderSpec is the Go build of terraform-provider-aws at the pinned commit. */
export function awsProviderSpec(pin: typeof AWS_PROVIDER_PIN = AWS_PROVIDER_PIN): GoBuildSpec {
  return {
    name: "terraform-provider-aws",
    module: pin.module,
    version: pin.pseudoVersion,
    packages: [{ importPath: pin.module, binary: "terraform-provider-aws" }],
    ldflags: [`-X ${pin.module}/version.ProviderVersion=${pin.providerVersion}`],
  };
}

/** renderCliConfig returns a Terraform CLI configuration that installs hashicorp/aws from mirrorDir only (other providers from their registry). */
export function renderCliConfig(mirrorDir: string): string {
  const path = JSON.stringify(mirrorDir);
  return [
    "# Written by kit: providers come from kit's filesystem mirror, never from the registry.",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${path}`,
    '    include = ["registry.terraform.io/hashicorp/aws", "registry.opentofu.org/hashicorp/aws"]',
    "  }",
    "  direct {",
    '    exclude = ["registry.terraform.io/hashicorp/aws", "registry.opentofu.org/hashicorp/aws"]',
    "  }",
    "}",
    "",
  ].join("\n");
}

/** mirrorRoot is where kit keeps the provider mirror. */
export function mirrorRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), "terraform", "mirror");
}

/**
 * ensureProviderMirror builds terraform-provider-aws (or takes it from the cache) and places it in
 * the filesystem mirror under both registry.terraform.io and registry.opentofu.org (OpenTofu
 * resolves hashicorp/aws to its own registry host), then writes the CLI configuration.
 */
export async function ensureProviderMirror(options: GoBuildOptions = {}): Promise<ProviderMirror> {
  const env = options.env ?? process.env;
  const pin = AWS_PROVIDER_PIN;
  // About an hour on 2 busy cores when the Go build cache is cold (measured: see the services report).
  const build = await buildGoProgram(awsProviderSpec(pin), { timeoutMs: 4 * 60 * 60_000, ...options });
  const source = build.binaries["terraform-provider-aws"];
  if (!source) throw new Error("the terraform-provider-aws build produced no binary");
  const dir = mirrorRoot(env);
  const binaryName = `terraform-provider-aws_v${pin.providerVersion}`;
  for (const host of ["registry.terraform.io", "registry.opentofu.org"]) {
    const target = join(dir, host, "hashicorp", "aws", pin.providerVersion, terraformPlatform());
    const file = join(target, binaryName);
    if (existsSync(file)) continue;
    await mkdir(target, { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    await copyFile(source, tmp);
    await rename(tmp, file);
  }
  const cliConfigFile = join(cacheDir(env), "terraform", "kit.tfrc");
  await writeFile(`${cliConfigFile}.tmp`, renderCliConfig(dir));
  await rename(`${cliConfigFile}.tmp`, cliConfigFile);
  return { dir, cliConfigFile, awsVersion: pin.providerVersion, built: build.built };
}

/** providerMirrorReady says whether the mirror already holds the pinned provider and its CLI configuration. */
export function providerMirrorReady(env: NodeJS.ProcessEnv = process.env): boolean {
  const pin = AWS_PROVIDER_PIN;
  const binaryName = `terraform-provider-aws_v${pin.providerVersion}`;
  const files = ["registry.terraform.io", "registry.opentofu.org"].map((host) =>
    join(mirrorRoot(env), host, "hashicorp", "aws", pin.providerVersion, terraformPlatform(), binaryName),
  );
  return [...files, join(cacheDir(env), "terraform", "kit.tfrc")].every((file) => existsSync(file));
}

/** removeProviderMirror deletes the mirror (not the Go build cache). */
export async function removeProviderMirror(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await rm(mirrorRoot(env), { recursive: true, force: true });
}
