/**
 * The `push:<app>` step: the app's image into the local registry, tagged with its source hash, so a
 * re-run finds it there (check) instead of pushing again.
 */
import type { Step } from "../engine/plan.ts";
import { UserError } from "../errors.ts";
import type { AppImage } from "../images/apps.ts";
import type { PushedImage, Registry } from "../providers/registry/index.ts";

/** PushDeps are the registry operations the step needs (UpDeps has the real ones). */
export interface PushDeps {
  /** The digest of repository:tag in the registry at hostEndpoint, or undefined. */
  registryManifestDigest(
    hostEndpoint: string,
    repository: string,
    tag: string,
    signal?: AbortSignal,
  ): Promise<string | undefined>;
  pushImage(
    registry: Registry,
    localRef: string,
    repository: string,
    tag: string,
    options: { signal?: AbortSignal; onLine?: (line: string) => void },
  ): Promise<PushedImage>;
}

export interface PushStepOptions {
  name: string;
  /** The repository in the registry (the app's `image`). */
  repository: string;
  image: Step<AppImage>;
  /** The local registry; undefined for an existing cluster, which has none. */
  registry: Step<Registry | undefined>;
  deps: PushDeps;
}

export function appPushStep(options: PushStepOptions): Step<PushedImage> {
  const { name, repository, image: imageStep, registry: registryStep, deps } = options;
  return {
    id: `push:${name}`,
    title: `${name} push`,
    needs: [imageStep, registryStep],
    async check(ctx) {
      const image = ctx.resultOf(imageStep);
      const registry = ctx.resultOf(registryStep);
      if (!registry) return { satisfied: false };
      const tag = image.sourceHash;
      const digest = await deps.registryManifestDigest(registry.hostEndpoint, repository, tag, ctx.signal);
      return digest
        ? {
            satisfied: true,
            value: { ref: `${registry.hostEndpoint}/${repository}:${tag}`, digest },
            summary: "already in the registry",
          }
        : { satisfied: false };
    },
    async apply(ctx) {
      const image = ctx.resultOf(imageStep);
      const registry = ctx.resultOf(registryStep);
      if (!registry) {
        throw new UserError("The existing-cluster provider has no local registry to push to.", {
          hint: "Use cluster.provider: kind for local work, or push images to a registry your cluster can pull from.",
        });
      }
      return deps.pushImage(registry, image.ref, repository, image.sourceHash, {
        signal: ctx.signal,
        onLine: (l) => ctx.log(l),
      });
    },
    summarize: (pushed) => `pushed ${pushed.ref}@${pushed.digest?.slice(0, 19) ?? "?"}`,
  };
}
