/**
 * app-image holds the steps that make an app's image, shared by `kit up` and `kit build` (which
 * the Tiltfile runs), so an image built under Tilt is the image `kit up` would build: the same
 * source hash, base images and build arguments.
 */
import type { AppConfig, KitConfig } from "../config/schema.ts";
import type { Step, StepLink, StepRef } from "../engine/plan.ts";
import {
  type AppBuildOptions,
  type AppImage,
  appImageRef,
  appSourceHash,
  ensureAppImage,
} from "../images/apps.ts";
import { type ImageSource, type ImageSourceSetting, resolveImageSource } from "../images/source.ts";
import { imageExists } from "../tools/docker.ts";

/** AppImageDeps are what the image steps act through: the image source probe, the source hash, Docker. */
export interface AppImageDeps {
  /** Resolves images.source (KIT_IMAGES_SOURCE already applied to it), probing for auto. */
  resolveImageSource(setting: ImageSourceSetting): Promise<ImageSource>;
  appSourceHash(root: string, appPath: string): Promise<string>;
  imageExists(ref: string, signal?: AbortSignal): Promise<boolean>;
  ensureAppImage(options: AppBuildOptions): Promise<AppImage>;
}

/** realAppImageDeps are the image steps' dependencies `kit up` and `kit build` run with. */
export const realAppImageDeps: AppImageDeps = {
  resolveImageSource: (setting) => resolveImageSource(setting),
  appSourceHash,
  imageExists,
  ensureAppImage,
};

/** imageSourceStep decides whether images are pulled upstream or built from package registries. */
export function imageSourceStep(
  config: Pick<KitConfig, "images">,
  needs: StepLink[] = [],
  images: AppImageDeps = realAppImageDeps,
): Step<ImageSource> {
  return {
    id: "image-source",
    title: "image source",
    needs,
    async apply(ctx) {
      const source = await images.resolveImageSource(config.images.source);
      ctx.log(
        source === "build"
          ? "no image registry answers (or images.source: build): building every image from package registries"
          : "pulling upstream images",
      );
      return source;
    },
    // It only decides; nothing in the world changes.
    changed: () => false,
    summarize: (source) => String(source),
  };
}

/**
 * appImageStep builds an app's image (`image:<app>`) unless one from the same source exists; the
 * image source step's result says whether its base images are pulled or built.
 */
export function appImageStep(
  root: string,
  name: string,
  app: Pick<AppConfig, "path" | "image">,
  imageSource: StepRef<ImageSource>,
  needs: StepLink[] = [],
  images: AppImageDeps = realAppImageDeps,
): Step<AppImage> {
  return {
    id: `image:${name}`,
    title: `${name} image`,
    needs: [...needs, imageSource],
    async check(ctx) {
      const hash = await images.appSourceHash(root, app.path);
      const ref = appImageRef(app.image, hash);
      return (await images.imageExists(ref, ctx.signal))
        ? { satisfied: true, value: { ref, sourceHash: hash }, summary: `unchanged (${ref})` }
        : { satisfied: false };
    },
    async apply(ctx) {
      return images.ensureAppImage({
        root,
        path: app.path,
        image: app.image,
        source: ctx.resultOf(imageSource),
        signal: ctx.signal,
        onLine: (line) => ctx.log(line),
      });
    },
    summarize: (image) => `built ${image.ref}`,
  };
}
