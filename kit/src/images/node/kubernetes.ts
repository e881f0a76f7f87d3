/**
 * kubernetes holds the Go build spec of the Kubernetes components kit puts into its kind node
 * image: kubeadm, kubelet and kubectl as node binaries, and kube-apiserver, kube-controller-manager,
 * kube-scheduler and kube-proxy as control-plane images. They come from `k8s.io/kubernetes` through
 * the Go module proxy: a throwaway module requires it and replaces every staging module
 * (`k8s.io/api` ...) with the matching `v0.X.Y` release, and the version fields kubeadm checks are
 * stamped with `-ldflags -X`.
 */
import { mkdir, rename, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { binDir } from "../../paths.ts";
import { buildGoProgram, type GoBuildOptions, type GoBuildSpec } from "../../tools/go-build.ts";

/** KUBERNETES_STAGING_MODULES lists the staging modules `k8s.io/kubernetes` replaces with local paths. */
export const KUBERNETES_STAGING_MODULES = [
  "api",
  "apiextensions-apiserver",
  "apimachinery",
  "apiserver",
  "cli-runtime",
  "client-go",
  "cloud-provider",
  "cluster-bootstrap",
  "code-generator",
  "component-base",
  "component-helpers",
  "controller-manager",
  "cri-api",
  "cri-client",
  "csi-translation-lib",
  "dynamic-resource-allocation",
  "endpointslice",
  "externaljwt",
  "kms",
  "kube-aggregator",
  "kube-controller-manager",
  "kube-proxy",
  "kube-scheduler",
  "kubectl",
  "kubelet",
  "metrics",
  "mount-utils",
  "pod-security-admission",
  "sample-apiserver",
  "sample-cli-plugin",
  "sample-controller",
] as const;

/** KUBERNETES_NODE_BINARIES are the components installed as files in the node image. */
export const KUBERNETES_NODE_BINARIES = ["kubeadm", "kubelet", "kubectl"] as const;

/** KUBERNETES_IMAGE_BINARIES are the components that become `registry.k8s.io/<name>:<version>` images. */
export const KUBERNETES_IMAGE_BINARIES = [
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kube-proxy",
] as const;

/** kubernetesBuildSpec returns the build of every Kubernetes component at version (e.g. "v1.34.4"). */
export function kubernetesBuildSpec(version: string): GoBuildSpec {
  const [major, minor] = version.replace(/^v/, "").split(".");
  const staging = `v0.${minor}.${version.replace(/^v/, "").split(".")[2]}`;
  const replaces: Record<string, string> = {};
  for (const mod of KUBERNETES_STAGING_MODULES) replaces[`k8s.io/${mod}`] = `k8s.io/${mod}@${staging}`;
  const stamp = (pkg: string): string[] => [
    `-X ${pkg}.gitVersion=${version}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    // Not the upstream commit: kit builds from the module proxy, which carries no git metadata.
    `-X ${pkg}.gitCommit=0000000000000000000000000000000000000000`,
    `-X ${pkg}.gitTreeState=clean`,
    // Fixed so that equal inputs give equal binaries (and cache keys).
    `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
  ];
  return {
    name: "kubernetes",
    module: "k8s.io/kubernetes",
    version,
    packages: [...KUBERNETES_NODE_BINARIES, ...KUBERNETES_IMAGE_BINARIES].map((binary) => ({
      importPath: `k8s.io/kubernetes/cmd/${binary}`,
      binary,
    })),
    replaces,
    ldflags: [...stamp("k8s.io/component-base/version"), ...stamp("k8s.io/client-go/pkg/version")],
  };
}

/**
 * ensureKubectl builds the Kubernetes components (or takes them from the cache; kubectl is part of
 * the node image build) and links kubectl into kit's bin directory; it returns kubectl's path.
 */
export async function ensureKubectl(version: string, options: GoBuildOptions = {}): Promise<string> {
  const result = await buildGoProgram(kubernetesBuildSpec(version), options);
  const target = result.binaries.kubectl;
  if (!target) throw new Error("the Kubernetes build produced no kubectl");
  const dir = binDir(options.env);
  await mkdir(dir, { recursive: true });
  const link = join(dir, "kubectl");
  const tmp = `${link}.tmp-${process.pid}`;
  await rm(tmp, { force: true });
  await symlink(target, tmp);
  await rename(tmp, link);
  return link;
}
