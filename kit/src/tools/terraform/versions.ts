/**
 * versions names what kit's Terraform tooling builds from the Go module proxy and PyPI; the values
 * live in kit/versions.json. Every value is part of a build cache key.
 */
import { loadVersions } from "../../versions.ts";

/**
 * AWS_PROVIDER_PIN pins terraform-provider-aws. Its module path has no /vN suffix, so release tags
 * from v2 on never resolve through the Go module proxy; kit builds a pseudo-version (a commit on
 * main) instead and stamps the version the repository's version/VERSION file names at that commit.
 * The module proxy serves v1.60.1-0.20260602190131-5f2286d6d836 (main on 2026-06-02, after the
 * 6.47.0 release of 2026-05-27, version/VERSION = 6.47.1). The module zip is about 124 MB (308 MB
 * unpacked).
 */
export const AWS_PROVIDER_PIN: Readonly<{
  module: string;
  pseudoVersion: string;
  commit: string;
  /** The version written into the filesystem mirror and stamped into the binary. */
  providerVersion: string;
}> = loadVersions().terraformProviderAws;

/** OPENTOFU_PIN is the OpenTofu release kit builds when neither terraform nor tofu is installed. */
export const OPENTOFU_PIN: Readonly<{ module: string; version: string }> = loadVersions().opentofu;

/** TFLOCAL_PIN is the terraform-local (tflocal) release kit installs into its own venv. */
export const TFLOCAL_PIN: Readonly<{ package: string; version: string }> = loadVersions().tflocal;
