/**
 * source decides where every image kit runs comes from: `upstream` pulls the published images
 * (kindest/node, localstack, mongo, ...); `build` makes each one locally from package registries
 * (Debian, the Go module proxy, PyPI) on top of a debootstrapped base. This is the one switch:
 * `images.source` in kit.config.yaml or KIT_IMAGES_SOURCE (read by config/env-overrides.ts), and
 * `auto` picks `upstream` when an image registry answers and `build` when none does.
 */

/** ImageSource is the resolved switch. */
export type ImageSource = "upstream" | "build";

/** ImageSourceSetting is what the user may write. */
export type ImageSourceSetting = ImageSource | "auto";

const REGISTRY_PROBE_URL = "https://registry-1.docker.io/v2/";

/** registryAnswers says whether Docker Hub's registry API answers within the timeout. */
export async function registryAnswers(url = REGISTRY_PROBE_URL, timeoutMs = 3_000): Promise<boolean> {
  try {
    const response = await fetch(url, { method: "GET", signal: AbortSignal.timeout(timeoutMs) });
    // The v2 endpoint answers 401 without a token: that still proves the registry is reachable.
    return response.status === 200 || response.status === 401;
  } catch {
    return false;
  }
}

/**
 * resolveImageSource turns the setting (images.source, after KIT_IMAGES_SOURCE; see
 * config/env-overrides.ts) into a source, probing the registry for auto.
 */
export async function resolveImageSource(
  setting: ImageSourceSetting,
  probe: () => Promise<boolean> = registryAnswers,
): Promise<ImageSource> {
  if (setting !== "auto") return setting;
  return (await probe()) ? "upstream" : "build";
}
