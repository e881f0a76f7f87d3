/**
 * components lists every program the kind node image and its preloaded images are made of, as
 * Go builds from the module proxy (see tools/go-build.ts). Versions follow kind v0.30.0's base
 * image (images/base/Dockerfile) and what kubeadm 1.34 asks for (`kubeadm config images list`),
 * except where the proxy does not serve that version (noted beside it).
 */
import type { GoBuildSpec } from "../../tools/go-build.ts";
import { loadVersions, type Versions } from "../../versions.ts";

// Why each pin in kit/versions.json `nodeComponents`: kind v0.30.0's base image builds containerd
// v2.1.4 (it still supports cgroup v1) and uses CNI plugins v1.7.1 (host-local, loopback, ptp,
// portmap); it uses crictl v1.33.0, which the module proxy does not serve, so v1.34.0 (matching
// Kubernetes 1.34); kubeadm 1.34's DefaultEtcdVersion is 3.6.5-0 and its CoreDNSVersion v1.12.1;
// kind's local-path-provisioner image is rancher/local-path-provisioner v0.0.30; the registry image
// is CNCF distribution v3.0.0.

/** COMPONENT_VERSIONS pins each component; changing one changes the node image's inputs hash. */
export const COMPONENT_VERSIONS: Readonly<Versions["nodeComponents"]> = loadVersions().nodeComponents;

/** containerdSpec builds containerd, ctr and the runc v2 shim. */
export function containerdSpec(version: string = COMPONENT_VERSIONS.containerd): GoBuildSpec {
  const mod = "github.com/containerd/containerd/v2";
  return {
    name: "containerd",
    module: mod,
    version,
    packages: [
      { importPath: `${mod}/cmd/containerd`, binary: "containerd" },
      { importPath: `${mod}/cmd/ctr`, binary: "ctr" },
      { importPath: `${mod}/cmd/containerd-shim-runc-v2`, binary: "containerd-shim-runc-v2" },
    ],
    tags: ["no_aufs", "no_zfs", "no_btrfs", "no_devmapper"],
    ldflags: [`-X ${mod}/version.Version=${version}`, `-X ${mod}/version.Revision=kit-module-proxy`],
  };
}

/** cniPluginsSpec builds the CNI plugins kind's node image carries. */
export function cniPluginsSpec(version: string = COMPONENT_VERSIONS.cniPlugins): GoBuildSpec {
  const mod = "github.com/containernetworking/plugins";
  const plugins = ["ipam/host-local", "main/loopback", "main/ptp", "meta/portmap", "main/bridge"];
  return {
    name: "cni-plugins",
    module: mod,
    version,
    packages: plugins.map((p) => ({ importPath: `${mod}/plugins/${p}`, binary: p.split("/")[1] ?? p })),
    ldflags: [`-X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=${version}`],
  };
}

/** crictlSpec builds crictl. */
export function crictlSpec(version: string = COMPONENT_VERSIONS.crictl): GoBuildSpec {
  return {
    name: "crictl",
    module: "sigs.k8s.io/cri-tools",
    version,
    packages: [{ importPath: "sigs.k8s.io/cri-tools/cmd/crictl", binary: "crictl" }],
    ldflags: [`-X sigs.k8s.io/cri-tools/pkg/version.Version=${version}`],
  };
}

/** etcdSpec builds the etcd server (and etcdctl for debugging). */
export function etcdSpec(version: string = COMPONENT_VERSIONS.etcd): GoBuildSpec {
  return {
    name: "etcd",
    module: "go.etcd.io/etcd/server/v3",
    version,
    packages: [{ importPath: "go.etcd.io/etcd/server/v3", binary: "etcd" }],
    // server/v3's own go.mod replaces its siblings with local paths; pin them to the same release.
    requires: {
      "go.etcd.io/etcd/api/v3": version,
      "go.etcd.io/etcd/client/pkg/v3": version,
      "go.etcd.io/etcd/client/v3": version,
      "go.etcd.io/etcd/pkg/v3": version,
    },
  };
}

/** corednsSpec builds CoreDNS with its default plugins. */
export function corednsSpec(version: string = COMPONENT_VERSIONS.coredns): GoBuildSpec {
  return {
    name: "coredns",
    module: "github.com/coredns/coredns",
    version,
    packages: [{ importPath: "github.com/coredns/coredns", binary: "coredns" }],
    ldflags: ["-X github.com/coredns/coredns/coremain.GitCommit=kit-module-proxy"],
  };
}

/** localPathProvisionerSpec builds rancher's local-path-provisioner, kind's default storage. */
export function localPathProvisionerSpec(
  version: string = COMPONENT_VERSIONS.localPathProvisioner,
): GoBuildSpec {
  return {
    name: "local-path-provisioner",
    module: "github.com/rancher/local-path-provisioner",
    version,
    packages: [{ importPath: "github.com/rancher/local-path-provisioner", binary: "local-path-provisioner" }],
    ldflags: [`-X main.VERSION=${version}`],
  };
}

/** registrySpec builds the CNCF distribution registry. */
export function registrySpec(version: string = COMPONENT_VERSIONS.registry): GoBuildSpec {
  const mod = "github.com/distribution/distribution/v3";
  return {
    name: "registry",
    module: mod,
    version,
    packages: [{ importPath: `${mod}/cmd/registry`, binary: "registry" }],
    ldflags: [`-X ${mod}/version.version=${version}`],
  };
}

/** nodeComponentSpecs returns every component build except Kubernetes itself. */
export function nodeComponentSpecs(): GoBuildSpec[] {
  return [
    containerdSpec(),
    cniPluginsSpec(),
    crictlSpec(),
    etcdSpec(),
    corednsSpec(),
    localPathProvisionerSpec(),
  ];
}
