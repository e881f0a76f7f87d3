/**
 * endpoints-schema is the contract of `.kit/endpoints.json`: what `kit up` tells the programs that
 * work on top of the environment it brought up (the Tiltfile, scripts) about where its parts are
 * and how each app was deployed. kit validates the document before writing it; a reader checks
 * `version` and reads only the keys declared here. Paths are absolute, except a release's chart and
 * values files, which are relative to the project root (as in kit.config.yaml).
 */
import { z } from "zod";

/** ENDPOINTS_VERSION is the version of the document this kit writes; a change that breaks a reader bumps it. */
export const ENDPOINTS_VERSION = 1;

/** ENDPOINTS_FILE is the document's place in a checkout, under the project root. */
export const ENDPOINTS_FILE = ".kit/endpoints.json";

/** COMPUTED_VALUES_DIR holds each app's computed values file in a checkout, under the project root. */
export const COMPUTED_VALUES_DIR = ".kit/values";

const text = z.string().min(1);

/** appReleaseSchema is one app's Helm release as `kit up` installed it. */
export const appReleaseSchema = z
  .object({
    /** The release's name (the app's). */
    name: text,
    /** The chart folder, relative to the project root. */
    chart: text,
    /** The environment's values files (apps.<app>.values.local), relative to the project root. */
    valuesFiles: z.array(text),
    /** kit's computed values as dotted keys (image, database URL, emulator, Terraform outputs), all strings. */
    values: z.record(z.string(), z.string()),
    /** The computed values nested, as helm reads them after valuesFiles; relative to the project root. */
    valuesFile: text,
    /** Values helm must type (a NodePort): passed with --set, after every file. */
    typedValues: z.record(z.string(), z.string()),
  })
  .strict();

/** appEndpointsSchema is what the document says about one app. */
export const appEndpointsSchema = z
  .object({
    /** Where the app answers from the host. */
    url: z.url(),
    /** The image name the pods pull, without tag or digest: `<registry>/<repository>`. */
    image: text,
    release: appReleaseSchema,
  })
  .strict();

/** endpointsSchema is `.kit/endpoints.json`, version 1. */
export const endpointsSchema = z
  .object({
    version: z.literal(ENDPOINTS_VERSION),
    /** The local environment (kit --env-name) these endpoints belong to. */
    environmentName: text,
    /** The kubeconfig file that reaches the environment's cluster. */
    kubeconfig: text,
    /** The context in kubeconfig, a plain name such as `kind-kit`. */
    kubeContext: text,
    /** The namespace the apps are installed in. */
    namespace: text,
    /** The local registry as `host:port`: docker pushes there and the pods' image references name it. */
    registry: z.string().regex(/^[^/\s]+:\d+$/, "must be host:port"),
    /** The AWS emulator's endpoint from the host. */
    awsEndpoint: z.url(),
    /** The database's URL from the host. */
    mongodbUrl: text,
    /** The database's URL from inside the cluster. */
    mongodbClusterUrl: text,
    /** Each deployed app, by its name in kit.config.yaml. */
    apps: z.record(z.string(), appEndpointsSchema),
  })
  .strict();

/** Endpoints is a valid `.kit/endpoints.json`. */
export type Endpoints = z.infer<typeof endpointsSchema>;

/** AppRelease is one app's release in the document. */
export type AppRelease = z.infer<typeof appReleaseSchema>;

/** endpointsKeys lists every key a reader may use, dotted (`apps.*.release.chart`), for checking readers. */
export function endpointsKeys(): string[] {
  const keys: string[] = [];
  const walk = (schema: z.ZodType, prefix: string): void => {
    if (schema instanceof z.ZodObject) {
      for (const [key, child] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
        const path = prefix ? `${prefix}.${key}` : key;
        keys.push(path);
        walk(child, path);
      }
    } else if (schema instanceof z.ZodRecord) {
      walk(schema.valueType as z.ZodType, `${prefix}.*`);
    }
  };
  walk(endpointsSchema, "");
  return keys;
}
