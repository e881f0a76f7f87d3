/**
 * requirements describes every external tool kit drives: how to find it and its version, what
 * version kit needs, and how `kit doctor --fix` installs it on Debian from the package registries
 * kit may use (Debian's mirror, the Go module proxy, PyPI). Nothing comes from GitHub releases.
 */
import { run, which } from "../../exec/index.ts";
import { binDir } from "../../paths.ts";
import type { Versions } from "../catalog.ts";
import { compareVersions, parseVersion, satisfiesMinimum } from "./version.ts";
import { memoized, type VersionMemo } from "./version-memo.ts";

/** ToolStatus is the outcome of checking one tool. */
export type ToolStatus = "ok" | "missing" | "outdated" | "not-running" | "pinned-mismatch";

/** Detection is what kit found for one tool. */
export interface Detection {
  path?: string;
  version?: string;
  /** Extra facts worth showing (e.g. "engine not running"). */
  note?: string;
  running?: boolean;
}

/** ToolCheck is one row of `kit doctor`. */
export interface ToolCheck {
  name: string;
  required: boolean;
  /** What kit needs, as shown to the user ("≥ 23.0.0", "= v3.19.5"). */
  wants: string;
  found: Detection;
  status: ToolStatus;
  /** How --fix installs it. */
  fix: string;
  /** What it is used for. */
  purpose: string;
}

/** Requirement knows how to detect and judge one tool. */
export interface Requirement {
  name: string;
  purpose: string;
  required: boolean;
  wants: string;
  fix: string;
  detect(signal?: AbortSignal): Promise<Detection>;
  judge(found: Detection): ToolStatus;
}

/** versionOutput runs a version command and returns its output, or undefined when it fails. */
export async function versionOutput(
  file: string,
  args: string[],
  signal?: AbortSignal,
): Promise<string | undefined> {
  const result = await run(file, args, { signal, timeoutMs: 20_000, allowFailure: true }).catch(
    () => undefined,
  );
  if (!result || result.exitCode !== 0) return undefined;
  return `${result.stdout}\n${result.stderr}`;
}

async function detectBinary(
  name: string,
  versionArgs: string[],
  signal?: AbortSignal,
  memo?: VersionMemo,
): Promise<Detection> {
  const path = await which(name, [binDir()]);
  if (!path) return {};
  const run = () => versionOutput(path, versionArgs, signal);
  const out = memo ? await memoized(memo, path, versionArgs, run) : await run();
  return { path, version: out ? parseVersion(out) : undefined };
}

function atLeast(minimum: string): (found: Detection) => ToolStatus {
  return (found) => {
    if (!found.path) return "missing";
    if (!found.version || !satisfiesMinimum(found.version, minimum)) return "outdated";
    return "ok";
  };
}

function exactly(version: string): (found: Detection) => ToolStatus {
  return (found) => {
    if (!found.path) return "missing";
    if (!found.version || compareVersions(found.version, version) !== 0) return "pinned-mismatch";
    return "ok";
  };
}

/** DEBIAN_PACKAGES maps each apt-installed tool to its Debian package. */
export const DEBIAN_PACKAGES: Record<string, string> = {
  debootstrap: "debootstrap",
  tmux: "tmux",
  wrk: "wrk",
  unzip: "unzip",
  git: "git",
};

/**
 * requirements returns every tool check, in the order doctor shows them. With a memo, a binary's
 * version is read once per build of it (`kit up`); without, every version command runs (`kit doctor`).
 * Docker's engine and buildx are always asked: whether the engine runs is not a property of a file.
 */
export function requirements(versions: Versions, memo?: VersionMemo): Requirement[] {
  const dockerMin = versions.dockerEngine.minimum;
  return [
    {
      name: "docker-engine",
      purpose: "runs the kind nodes, registry, emulator and database",
      required: true,
      wants: `≥ ${dockerMin}, running`,
      fix: `apt: ${versions.dockerEngine.debianPackage} from Debian ${versions.dockerEngine.debianSuite} (+ docker-buildx), then start dockerd`,
      async detect(signal) {
        const client = await which("docker");
        const dockerd = await which("dockerd");
        const server = client
          ? await versionOutput(client, ["version", "--format", "{{.Server.Version}}"], signal)
          : undefined;
        if (server) return { path: dockerd ?? client, version: parseVersion(server), running: true };
        if (dockerd) {
          const out = await versionOutput(dockerd, ["--version"], signal);
          return {
            path: dockerd,
            version: out ? parseVersion(out) : undefined,
            running: false,
            note: "engine not running",
          };
        }
        return client ? { note: "docker client found, but no engine (dockerd)" } : {};
      },
      judge(found) {
        if (!found.path) return "missing";
        if (!found.version || !satisfiesMinimum(found.version, dockerMin)) return "outdated";
        return found.running ? "ok" : "not-running";
      },
    },
    {
      name: "docker-buildx",
      purpose: "BuildKit image builds with layer cache",
      required: true,
      wants: "any",
      fix: "apt: docker-buildx from Debian trixie",
      async detect(signal) {
        if (!(await which("docker"))) return {};
        const out = await versionOutput("docker", ["buildx", "version"], signal);
        return out ? { path: "docker buildx", version: parseVersion(out) } : {};
      },
      judge: (found) => (found.path ? "ok" : "missing"),
    },
    {
      name: "go",
      purpose: "builds kind, helm, OpenTofu, Kubernetes and images from the Go module proxy",
      required: true,
      wants: `≥ ${versions.go.minimum}`,
      fix: `Go module proxy: golang.org/toolchain ${versions.go.toolchain}, unpacked under kit's cache`,
      detect: (signal) => detectBinary("go", ["version"], signal, memo),
      judge: atLeast(versions.go.minimum),
    },
    {
      name: "python3",
      purpose: "moto, terraform-local and checkov, each in a kit-owned virtual environment",
      required: true,
      wants: `≥ ${versions.python.minimum} with venv`,
      fix: "apt: python3 python3-venv",
      async detect(signal) {
        const found = await detectBinary("python3", ["--version"], signal, memo);
        if (!found.path) return found;
        const venv = await versionOutput(found.path, ["-c", "import venv, ensurepip"], signal);
        return venv === undefined ? { ...found, note: "the venv/ensurepip module is missing" } : found;
      },
      judge(found) {
        const status = atLeast(versions.python.minimum)(found);
        return status === "ok" && found.note ? "missing" : status;
      },
    },
    {
      name: "kind",
      purpose: "creates the local Kubernetes cluster",
      required: true,
      wants: `= ${versions.kind}`,
      fix: `Go module proxy: sigs.k8s.io/kind@${versions.kind} into kit's bin directory`,
      detect: (signal) => detectBinary("kind", ["version"], signal, memo),
      judge: exactly(versions.kind),
    },
    {
      name: "helm",
      purpose: "installs and upgrades the charts",
      required: true,
      wants: `= ${versions.helm}`,
      fix: `Go module proxy: helm.sh/helm/v3@${versions.helm} (version-stamped) into kit's bin directory`,
      detect: (signal) => detectBinary("helm", ["version", "--template", "{{.Version}}"], signal, memo),
      judge: exactly(versions.helm),
    },
    {
      name: "terraform",
      purpose: "applies the Terraform (terraform or OpenTofu, whichever is present)",
      required: true,
      wants: `terraform or tofu ≥ ${versions.terraform.minimum}`,
      fix: "Go module proxy: OpenTofu into kit's bin directory",
      async detect(signal) {
        const terraform = await detectBinary("terraform", ["version"], signal, memo);
        if (terraform.path) return terraform;
        const tofu = await detectBinary("tofu", ["version"], signal, memo);
        return tofu.path ? { ...tofu, note: "OpenTofu" } : {};
      },
      judge: atLeast(versions.terraform.minimum),
    },
    {
      name: "kubectl",
      purpose: "for you: kit itself talks to the API with @kubernetes/client-node",
      required: false,
      wants: "any (optional)",
      fix: "built with the Kubernetes components by the kind node image build",
      detect: (signal) => detectBinary("kubectl", ["version", "--client"], signal, memo),
      judge: (found) => (found.path ? "ok" : "missing"),
    },
    ...Object.entries(DEBIAN_PACKAGES).map(
      ([tool, pkg]): Requirement => ({
        name: tool,
        purpose:
          {
            debootstrap: "makes the Debian base image without any image registry",
            tmux: "terminal UI tests",
            wrk: "HTTP benchmarks",
            unzip: "unpacks the Go toolchain",
            git: "source control",
          }[tool] ?? tool,
        required: tool !== "wrk",
        wants: "any",
        fix: `apt: ${pkg}`,
        async detect() {
          const path = await which(tool, ["/usr/sbin", "/sbin"]);
          return path ? { path, version: "present" } : {};
        },
        judge: (found) => (found.path ? "ok" : "missing"),
      }),
    ),
  ];
}
