/**
 * versions pins what kit's Terraform tooling builds from the Go module proxy and PyPI. The lead may
 * move these into kit/versions.json; every value is part of a build cache key.
 */

/**
 * AWS_PROVIDER_PIN pins terraform-provider-aws. Its module path has no /vN suffix, so release tags
 * from v2 on never resolve through the Go module proxy; kit builds a pseudo-version (a commit on
 * main) instead and stamps the version the repository's version/VERSION file names at that commit.
 * The module proxy serves v1.60.1-0.20260602190131-5f2286d6d836 (main on 2026-06-02, after the
 * 6.47.0 release of 2026-05-27, version/VERSION = 6.47.1). The module zip is about 124 MB (308 MB
 * unpacked).
 */
export const AWS_PROVIDER_PIN = {
  module: "github.com/hashicorp/terraform-provider-aws",
  pseudoVersion: "v1.60.1-0.20260602190131-5f2286d6d836",
  commit: "5f2286d6d836",
  /** The version written into the filesystem mirror and stamped into the binary. */
  providerVersion: "6.47.1",
} as const;

/** OPENTOFU_PIN is the OpenTofu release kit builds when neither terraform nor tofu is installed. */
export const OPENTOFU_PIN = {
  module: "github.com/opentofu/opentofu",
  version: "v1.10.6",
} as const;

/** TFLOCAL_PIN is the terraform-local (tflocal) release kit installs into its own venv. */
export const TFLOCAL_PIN = { package: "terraform-local", version: "0.24.1" } as const;
