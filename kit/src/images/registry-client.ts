/**
 * registry-client asks the local registry (Docker Registry HTTP API v2) what it holds, so a push
 * is skipped when the registry already has the tag.
 */

const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
].join(", ");

/** registryManifestDigest returns the digest of repository:tag in the registry at hostEndpoint, or undefined. */
export async function registryManifestDigest(
  hostEndpoint: string,
  repository: string,
  tag: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const url = `http://${hostEndpoint.replace(/^localhost/, "127.0.0.1")}/v2/${repository}/manifests/${tag}`;
  try {
    const response = await fetch(url, {
      method: "HEAD",
      headers: { Accept: MANIFEST_TYPES },
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(5_000)]) : AbortSignal.timeout(5_000),
    });
    if (!response.ok) return undefined;
    return response.headers.get("docker-content-digest") ?? undefined;
  } catch {
    return undefined;
  }
}
