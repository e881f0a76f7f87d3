/**
 * traefik is where the ingress controller's image comes from: the published `traefik` image in
 * `upstream` mode, or in `build` mode Traefik's cmd/traefik built from the Go module proxy and put
 * on kit's Debian base (kind/node-image/images/traefik.Dockerfile), the way the registry image is
 * made. Traefik's module builds without its web UI: the module zip carries only a placeholder in
 * webui/static, which is enough for its `go:embed` (the dashboard is not used here).
 *
 * The pin (kit/versions.json `traefik`) is v3.6.23: the newest Traefik whose every dependency the
 * Go module proxy serves with a checksum-database entry. v3.7's go.mod replaces a nested module
 * (github.com/traefik/traefik/dynamic/ext) that no module zip carries, and some of its ACME DNS
 * provider dependencies are refused by the proxy; v3.6.25's fail checksum lookups.
 */
import { join } from "node:path";
import { ensureBaseImage } from "../../images/base.ts";
import { ensurePartImage, PART_DOCKERFILES_DIR } from "../../images/node/parts.ts";
import type { ImageSource } from "../../images/source.ts";
import { loadVersions } from "../../tools/catalog.ts";
import { buildGoProgram, type GoBuildSpec } from "../../tools/go-build.ts";

const TRAEFIK_MODULE = "github.com/traefik/traefik/v3";

/** traefikBuildSpec builds Traefik's cmd/traefik at the pinned version (kit/versions.json `traefik`). */
export function traefikBuildSpec(version: string = loadVersions().traefik.version): GoBuildSpec {
  const pkgVersion = `${TRAEFIK_MODULE}/pkg/version`;
  return {
    name: "traefik",
    module: TRAEFIK_MODULE,
    version,
    packages: [{ importPath: `${TRAEFIK_MODULE}/cmd/traefik`, binary: "traefik" }],
    // Traefik's own go.mod replaces these with its forks; a build from kit's module must repeat them.
    replaces: {
      "github.com/abbot/go-http-auth":
        "github.com/containous/go-http-auth@v0.4.1-0.20200324110947-a37a7636d23e",
      "github.com/gorilla/mux": "github.com/containous/mux@v0.0.0-20250523120546-41b6ec3aed59",
    },
    ldflags: [`-X ${pkgVersion}.Version=${version}`, `-X ${pkgVersion}.Codename=kit-module-proxy`],
  };
}

/** TraefikImage is the image the controller runs and whether this call built any part of it. */
export interface TraefikImage {
  ref: string;
  /** true for an image kit made locally: it must be loaded into the nodes, no registry serves it. */
  isLocal: boolean;
  built: boolean;
}

/** ensureTraefikImage returns the controller's image for the source, building it in build mode. */
export async function ensureTraefikImage(options: {
  source: ImageSource;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}): Promise<TraefikImage> {
  const pin = loadVersions().traefik;
  if (options.source === "upstream") return { ref: pin.upstreamImage, isLocal: false, built: false };
  const progress = { signal: options.signal, onLine: options.onLine, env: options.env };
  const base = await ensureBaseImage(undefined, progress);
  const build = await buildGoProgram(traefikBuildSpec(pin.version), progress);
  const part = await ensurePartImage(
    {
      name: "traefik",
      baseImage: base.ref,
      files: { traefik: build.binaries.traefik ?? join(build.dir, "bin", "traefik") },
      names: [],
    },
    progress,
  );
  return { ref: part.ref, isLocal: true, built: part.built || build.built };
}

/** TRAEFIK_DOCKERFILE is the Dockerfile of the locally built image (for docs and tests). */
export const TRAEFIK_DOCKERFILE = join(PART_DOCKERFILES_DIR, "traefik.Dockerfile");
