/**
 * kind-sources reads what kit reuses verbatim from kind itself, from the `sigs.k8s.io/kind`
 * module at the pinned version (downloaded through the Go module proxy, the same copy kind is
 * built from): the node base image's files (images/base/files: entrypoint, systemd units,
 * containerd config) and the default CNI and storage manifests with the image names kind's node
 * image preloads (pkg/build/nodeimage/const_*.go). Nothing of kind is copied into kit's repository.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { KitError } from "../../errors.ts";
import { run } from "../../exec/index.ts";

/** KindSources is what the node image build takes from kind's module. */
export interface KindSources {
  version: string;
  moduleDir: string;
  /** images/base/files */
  baseFilesDir: string;
  /** Manifest file name -> content, with image names filled in. */
  manifests: Record<string, string>;
  /** Image names the node image preloads for CNI and storage. */
  images: { kindnetd: string; localPathProvisioner: string; localPathHelper: string };
  /** The sandbox image kind's containerd config names (e.g. registry.k8s.io/pause:3.10). */
  sandboxImage: string;
}

/** kindModuleDir downloads (or finds) the kind module in the Go module cache and returns its folder. */
export async function kindModuleDir(version: string, signal?: AbortSignal): Promise<string> {
  const { stdout } = await run("go", ["mod", "download", "-json", `sigs.k8s.io/kind@${version}`], {
    signal,
    timeoutMs: 10 * 60_000,
    env: { GOFLAGS: "-mod=mod" },
    hint: "kit reads kind's node image files from the sigs.k8s.io/kind module; check that the Go module proxy answers.",
  });
  const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!info.Dir || !existsSync(info.Dir)) {
    throw new KitError("external", `go mod download sigs.k8s.io/kind@${version} gave no module folder`, {
      hint: info.Error ?? "Check GOPROXY and GOMODCACHE (`go env`).",
    });
  }
  return info.Dir;
}

/** goStringConst returns the value of `const name = "..."` in Go source. */
function goStringConst(source: string, name: string, file: string): string {
  const match = new RegExp(`const ${name} = "([^"]+)"`).exec(source);
  if (!match?.[1])
    throw new KitError(
      "bug",
      `kind's ${file} no longer defines ${name}; update kit/src/images/node/kind-sources.ts`,
    );
  return match[1];
}

/** goRawManifest returns a `const name = \`...\`` raw string with `+ ident +` joins resolved. */
function goRawManifest(source: string, name: string, consts: Record<string, string>, file: string): string {
  const start = source.indexOf(`const ${name} = \``);
  if (start < 0)
    throw new KitError(
      "bug",
      `kind's ${file} no longer defines ${name}; update kit/src/images/node/kind-sources.ts`,
    );
  let rest = source.slice(start + `const ${name} = \``.length);
  let out = "";
  for (;;) {
    const end = rest.indexOf("`");
    if (end < 0) throw new KitError("bug", `unterminated ${name} in kind's ${file}`);
    out += rest.slice(0, end);
    rest = rest.slice(end + 1);
    const join = /^ \+ (\w+) \+ `/.exec(rest);
    if (!join?.[1]) break;
    const value = consts[join[1]];
    if (value === undefined) throw new KitError("bug", `kind's ${file} joins unknown constant ${join[1]}`);
    out += value;
    rest = rest.slice(join[0].length);
  }
  return out;
}

/** loadKindSources reads kind's node-image files and manifests at version. */
export async function loadKindSources(version: string, signal?: AbortSignal): Promise<KindSources> {
  const moduleDir = await kindModuleDir(version, signal);
  const nodeimage = join(moduleDir, "pkg", "build", "nodeimage");
  const cni = await readFile(join(nodeimage, "const_cni.go"), "utf8");
  const storage = await readFile(join(nodeimage, "const_storage.go"), "utf8");
  const consts = {
    kindnetdImage: goStringConst(cni, "kindnetdImage", "const_cni.go"),
    storageProvisionerImage: goStringConst(storage, "storageProvisionerImage", "const_storage.go"),
    storageHelperImage: goStringConst(storage, "storageHelperImage", "const_storage.go"),
  };
  const baseFilesDir = join(moduleDir, "images", "base", "files");
  const containerdConfig = await readFile(join(baseFilesDir, "etc", "containerd", "config.toml"), "utf8");
  const sandbox = /sandbox_image = "([^"]+)"/.exec(containerdConfig)?.[1];
  if (!sandbox) throw new KitError("bug", "kind's containerd config.toml names no sandbox_image");
  return {
    version,
    moduleDir,
    baseFilesDir,
    manifests: {
      "default-cni.yaml": goRawManifest(cni, "defaultCNIManifest", consts, "const_cni.go"),
      "default-storage.yaml": goRawManifest(storage, "defaultStorageManifest", consts, "const_storage.go"),
    },
    images: {
      kindnetd: consts.kindnetdImage,
      localPathProvisioner: consts.storageProvisionerImage,
      localPathHelper: consts.storageHelperImage,
    },
    sandboxImage: sandbox,
  };
}
