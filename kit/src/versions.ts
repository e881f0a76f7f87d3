/**
 * versions reads kit/versions.json, the one file that pins every tool, image and build input kit
 * uses (an updater bot reads it; a test fails on a version literal elsewhere in kit/src). Each
 * value is part of the cache key of whatever is built from it, so moving a pin here changes no key.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KIT_DIR } from "./paths.ts";

/** Versions is the shape of kit/versions.json. */
export interface Versions {
  kubernetes: string;
  kind: string;
  helm: string;
  go: { minimum: string; toolchain: string };
  python: { minimum: string };
  dockerEngine: { minimum: string; debianSuite: string; debianPackage: string };
  terraform: { minimum: string };
  debian: { suite: string; mirror: string };
  /** go-containerregistry's crane, which copies images between registries by digest. */
  crane: string;
  /** rhysd/actionlint, which checks the GitHub Actions workflows in the test suite. */
  actionlint: string;
  /** terraform-linters/tflint (its bundled terraform ruleset), which lints terraform/ in the test suite. */
  tflint: string;
  /** aquasecurity/trivy (`trivy config`, its embedded misconfiguration checks) and the Go toolchain it needs. */
  trivy: { version: string; goToolchain: string };
  /** The ingress controller kit installs (providers/ingress): built from source or the upstream image. */
  traefik: { version: string; upstreamImage: string };
  /** The OpenTofu release kit builds when neither terraform nor tofu is installed. */
  opentofu: { module: string; version: string };
  /** terraform-local (tflocal), installed into its own venv. */
  tflocal: { package: string; version: string };
  /** terraform-provider-aws, built from a pseudo-version (see tools/terraform/versions.ts). */
  terraformProviderAws: { module: string; pseudoVersion: string; commit: string; providerVersion: string };
  /** The programs of the kind node image and its preloaded images (see images/node/components.ts). */
  nodeComponents: {
    containerd: string;
    cniPlugins: string;
    crictl: string;
    etcd: string;
    etcdImageTag: string;
    coredns: string;
    localPathProvisioner: string;
    registry: string;
    /** kubeadm 1.34's pause image tag (the sandbox image). */
    pause: string;
  };
  /** The local registry's published image (kind's local-registry guide). */
  registry: { upstreamImage: string };
  /** moto's server from PyPI, the AWS CLI its init hooks use, and the published image. */
  moto: { version: string; awscli: string; upstreamImage: string };
  /** LocalStack's last open-source release (see providers/aws/versions.ts). */
  localstack: {
    version: string;
    upstreamImage: string;
    resolveBefore: string;
    uv: string;
    debianSuite: string;
  };
  /** The FerretDB v1 release kit builds. */
  ferretdb: string;
  mongo: { upstreamImage: string };
  /** PostgreSQL's major version (Debian bookworm's package) and the official image of it. */
  postgres: { major: string; upstreamImage: string };
}

/** VERSIONS_FILE is kit/versions.json. */
export const VERSIONS_FILE = join(KIT_DIR, "versions.json");

let loaded: Versions | undefined;

/** loadVersions reads kit/versions.json once per process. */
export function loadVersions(): Versions {
  loaded ??= JSON.parse(readFileSync(VERSIONS_FILE, "utf8")) as Versions;
  return loaded;
}
