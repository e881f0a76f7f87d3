/**
 * catalog lists the Go programs kit builds itself at pinned versions (from kit/versions.json), and
 * ensureGoTool builds one (or takes it from the cache) and links it into kit's bin directory,
 * which kit puts first on PATH for every program it runs.
 */
import { existsSync } from "node:fs";
import { mkdir, rename, symlink, unlink } from "node:fs/promises";
import { join } from "node:path";
import { binDir } from "../paths.ts";
import { loadVersions, type Versions } from "../versions.ts";
import { buildGoProgram, type GoBuildOptions, type GoBuildSpec } from "./go-build.ts";
import { OPENTOFU_PIN } from "./terraform/versions.ts";

export { loadVersions, type Versions } from "../versions.ts";

/** k8sMinor returns "34" for "v1.34.4". */
function k8sMinor(version: string): string {
  return version.replace(/^v/, "").split(".")[1] ?? "0";
}

/** goToolSpecs returns the build spec of every Go tool kit can install, by tool name. */
export function goToolSpecs(versions: Versions = loadVersions()): Record<string, GoBuildSpec> {
  return {
    kind: {
      name: "kind",
      module: "sigs.k8s.io/kind",
      version: versions.kind,
      packages: [{ importPath: "sigs.k8s.io/kind", binary: "kind" }],
    },
    helm: {
      name: "helm",
      module: "helm.sh/helm/v3",
      version: versions.helm,
      packages: [{ importPath: "helm.sh/helm/v3/cmd/helm", binary: "helm" }],
      ldflags: [
        `-X helm.sh/helm/v3/internal/version.version=${versions.helm}`,
        "-X helm.sh/helm/v3/internal/version.gitTreeState=clean",
        "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1",
        `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${k8sMinor(versions.kubernetes)}`,
      ],
    },
    // OpenTofu's go.mod replaces hashicorp/hcl with its fork; a build from a module of kit's own must repeat it.
    tofu: {
      name: "tofu",
      module: OPENTOFU_PIN.module,
      version: OPENTOFU_PIN.version,
      packages: [{ importPath: `${OPENTOFU_PIN.module}/cmd/tofu`, binary: "tofu" }],
      replaces: {
        "github.com/hashicorp/hcl/v2": "github.com/opentofu/hcl/v2@v2.20.2-0.20250121132637-504036cd70e7",
      },
      ldflags: [`-X ${OPENTOFU_PIN.module}/version.dev=no`],
    },
    crane: {
      name: "crane",
      module: "github.com/google/go-containerregistry",
      version: versions.crane,
      packages: [{ importPath: "github.com/google/go-containerregistry/cmd/crane", binary: "crane" }],
      ldflags: [`-X github.com/google/go-containerregistry/cmd/crane/cmd.Version=${versions.crane}`],
    },
    actionlint: {
      name: "actionlint",
      module: "github.com/rhysd/actionlint",
      version: versions.actionlint,
      packages: [{ importPath: "github.com/rhysd/actionlint/cmd/actionlint", binary: "actionlint" }],
      ldflags: [`-X github.com/rhysd/actionlint.version=${versions.actionlint}`],
    },
    // The newest release whose go.mod a Go 1.24 toolchain (kit's minimum) still builds. Its bundled
    // terraform ruleset v0.12.0 is not in the checksum database the proxy serves; v0.13.0, on the
    // same plugin SDK (v0.22.0) and Go, is.
    tflint: {
      name: "tflint",
      module: "github.com/terraform-linters/tflint",
      version: versions.tflint,
      packages: [{ importPath: "github.com/terraform-linters/tflint", binary: "tflint" }],
      replaces: {
        "github.com/terraform-linters/tflint-ruleset-terraform":
          "github.com/terraform-linters/tflint-ruleset-terraform@v0.13.0",
      },
    },
    // trivy's go.mod says go 1.26.3 and it builds only with the jsonv2 experiment; the go command
    // fetches that toolchain from the module proxy like any module.
    trivy: {
      name: "trivy",
      module: "github.com/aquasecurity/trivy",
      version: versions.trivy.version,
      packages: [{ importPath: "github.com/aquasecurity/trivy/cmd/trivy", binary: "trivy" }],
      toolchain: versions.trivy.goToolchain,
      goexperiment: "jsonv2",
      ldflags: [
        `-X github.com/aquasecurity/trivy/pkg/version/app.ver=${versions.trivy.version.replace(/^v/, "")}`,
      ],
    },
  };
}

/**
 * ensureGoTool builds the named tool if needed and links each of its binaries into kit's bin
 * directory; it returns the path of the tool's main binary.
 */
export async function ensureGoTool(name: string, options: GoBuildOptions = {}): Promise<string> {
  const spec = goToolSpecs()[name];
  if (!spec) throw new Error(`kit has no build recipe for ${name}`);
  const result = await buildGoProgram(spec, options);
  const bin = binDir(options.env);
  await mkdir(bin, { recursive: true });
  for (const [binary, target] of Object.entries(result.binaries)) await linkInto(bin, binary, target);
  return join(bin, spec.packages[0]?.binary ?? name);
}

async function linkInto(bin: string, binary: string, target: string): Promise<void> {
  const link = join(bin, binary);
  const tmp = `${link}.tmp-${process.pid}`;
  if (existsSync(tmp)) await unlink(tmp);
  await symlink(target, tmp);
  await rename(tmp, link);
}
