/**
 * build is `kit build <app> --tag <ref>`: the app's image built exactly as `kit up` builds it (the
 * same step), then tagged as ref and pushed there. The Tiltfile's custom_build runs it with Tilt's
 * $EXPECTED_REF, so an image Tilt deploys is an image kit up would have deployed.
 */
import type { KitConfig } from "../config/schema.ts";
import { definePlan, type Plan, type Step } from "../engine/plan.ts";
import { UserError } from "../errors.ts";
import { type PushedImage, pushImageAs } from "../providers/registry/index.ts";
import { appImageStep, imageSourceStep } from "./app-image.ts";

/** ImageTarget is a pushable image reference split into its parts. */
export interface ImageTarget {
  /** `host[:port]`, e.g. `localhost:5001`. */
  registry: string;
  repository: string;
  tag: string;
}

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REFERENCE = new RegExp(
  `^(?<registry>[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*(?::\\d+)?)/(?<repository>${COMPONENT}(?:/${COMPONENT})*):(?<tag>[\\w][\\w.-]{0,127})$`,
);

/**
 * parseImageTarget splits `<registry>/<repository>:<tag>`; undefined unless the reference names a
 * registry (a host with a dot or a port, or localhost) and a tag, without a digest.
 */
export function parseImageTarget(ref: string): ImageTarget | undefined {
  const groups = REFERENCE.exec(ref)?.groups;
  if (!groups?.registry || !groups.repository || !groups.tag) return undefined;
  const host = groups.registry;
  if (!/[.:]/.test(host) && host !== "localhost") return undefined;
  return { registry: host, repository: groups.repository, tag: groups.tag };
}

/** BuildOptions select the app and where its image goes. */
export interface BuildOptions {
  config: Pick<KitConfig, "apps" | "images">;
  root: string;
  app: string;
  /** `--tag`: the reference to push, e.g. Tilt's $EXPECTED_REF. */
  tag: string;
}

/** buildPlan checks the app and the reference, then builds and pushes; bad input is a UserError. */
export function buildPlan(options: BuildOptions): Plan {
  const app = options.config.apps[options.app];
  if (!app) {
    throw new UserError(`kit build: "${options.app}" is not an app in kit.config.yaml.`, {
      hint: `Name one of: ${Object.keys(options.config.apps).join(", ")}.`,
    });
  }
  const target = parseImageTarget(options.tag);
  if (!target) {
    throw new UserError(`--tag "${options.tag}" is not an image reference kit can push.`, {
      hint: `Give <registry>/<repository>:<tag>, e.g. --tag localhost:5001/${app.image}:dev (Tilt's custom_build passes $EXPECTED_REF).`,
    });
  }
  const imageSource = imageSourceStep(options.config);
  const image = appImageStep(options.root, options.app, app, imageSource);
  const push: Step<PushedImage> = {
    id: `push:${options.app}`,
    title: `${options.app} push to ${target.registry}`,
    needs: [image],
    async apply(ctx) {
      const built = ctx.resultOf(image);
      const pushed = await pushImageAs(built.ref, options.tag, {
        signal: ctx.signal,
        onLine: (line) => ctx.log(line),
      });
      ctx.output(
        `image:${options.app}`,
        options.app,
        pushed.digest ? `${pushed.ref}@${pushed.digest}` : pushed.ref,
      );
      return pushed;
    },
    summarize: (pushed) => `pushed ${pushed.ref}`,
  };
  return definePlan("build", [imageSource, image, push]);
}
