/**
 * endpoints turns what the up plan published (plan-output events: URLs, kube context, database
 * URLs; helm-release step data: each app's release) into the `.kit/endpoints.json` document
 * (environment/endpoints-schema.ts), validated before it is written: in the environment's state
 * folder and in the checkout, where the Tiltfile and scripts read it, beside each app's computed
 * values file. The checkout's copy is the environment this checkout brought up last. A run that
 * did not reach every part (a failed first `kit up`) leaves the last complete document in place.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-file.ts";
import type { EventSink, StepData } from "../engine/events.ts";
import {
  COMPUTED_VALUES_DIR,
  ENDPOINTS_FILE,
  ENDPOINTS_VERSION,
  type Endpoints,
  endpointsSchema,
} from "../environment/endpoints-schema.ts";
import { nestValues } from "../tools/helm/values.ts";
import type { AppReleaseSpec } from "./up-release.ts";

/** HELM_RELEASE_DATA is the step-data kind the up plan publishes for each release it installed or found current. */
export const HELM_RELEASE_DATA = "helm-release";

/** helmReleaseData is the step data of one app's release. */
export function helmReleaseData(app: string, spec: AppReleaseSpec): StepData {
  return { kind: HELM_RELEASE_DATA, app, spec };
}

/** computedValuesFile is where an app's computed values file goes, relative to the project root. */
export function computedValuesFile(app: string): string {
  return `${COMPUTED_VALUES_DIR}/${app}.json`;
}

/** PlanEndpoints is what one run published. */
export interface PlanEndpoints {
  /** plan-output values by key (`registry`, `kubeContext`, `url:<app>`, ...). */
  outputs: Record<string, string>;
  releases: Record<string, AppReleaseSpec>;
}

/**
 * buildEndpoints makes the document from a run's outputs over the environment's previous
 * document (apps this run did not deploy keep their entry). It returns the keys still missing
 * when the run did not reach every part.
 */
export function buildEndpoints(
  environmentName: string,
  run: PlanEndpoints,
  previous?: Endpoints,
): { document: Endpoints } | { missing: string[] } {
  const apps: Record<string, unknown> = { ...(previous?.apps ?? {}) };
  for (const [app, spec] of Object.entries(run.releases)) {
    const url = run.outputs[`url:${app}`];
    if (url === undefined) continue;
    apps[app] = {
      url,
      image: spec.image,
      release: {
        name: spec.release,
        chart: spec.chart,
        valuesFiles: spec.valuesFiles,
        values: spec.set,
        valuesFile: computedValuesFile(app),
        typedValues: spec.setTyped,
      },
    };
  }
  const pick = (key: keyof Endpoints): unknown => run.outputs[key] ?? previous?.[key];
  const candidate = {
    version: ENDPOINTS_VERSION,
    environmentName,
    kubeconfig: pick("kubeconfig"),
    kubeContext: pick("kubeContext"),
    namespace: pick("namespace"),
    registry: pick("registry"),
    awsEndpoint: pick("awsEndpoint"),
    mongodbUrl: pick("mongodbUrl"),
    mongodbClusterUrl: pick("mongodbClusterUrl"),
    apps,
  };
  const parsed = endpointsSchema.safeParse(candidate);
  if (parsed.success) return { document: parsed.data };
  return { missing: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) };
}

/** readEndpoints reads a document, or undefined when there is none or it is not a valid current one. */
export async function readEndpoints(file: string): Promise<Endpoints | undefined> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = endpointsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** writeEndpoints writes a document and, into the checkout at root, each app's computed values file. */
export async function writeEndpoints(document: Endpoints, files: { root: string; environmentFile: string }) {
  const text = `${JSON.stringify(endpointsSchema.parse(document), null, 2)}\n`;
  await writeFileAtomic(files.environmentFile, text, { mode: 0o600 });
  for (const app of Object.values(document.apps)) {
    // The values may carry credentials (the database URL): readable by the user alone, as kit up's own.
    const nested = `${JSON.stringify(nestValues(app.release.values), null, 2)}\n`;
    await writeFileAtomic(join(files.root, app.release.valuesFile), nested, { mode: 0o600 });
  }
  await writeFileAtomic(join(files.root, ENDPOINTS_FILE), text, { mode: 0o600 });
}

/**
 * endpointsRecorder collects the up plan's outputs and releases; write() merges them over the
 * environment's previous document and writes it, or returns what is missing.
 */
export function endpointsRecorder(
  root: string,
  environment: { name: string; endpointsFile: string },
): { sink: EventSink; write: () => Promise<{ written: boolean; missing: string[] }> } {
  const run: PlanEndpoints = { outputs: {}, releases: {} };
  return {
    sink: (event) => {
      if (event.type === "plan-output") run.outputs[event.key] = event.value;
      if (event.type === "step-data" && event.data.kind === HELM_RELEASE_DATA) {
        run.releases[String(event.data.app)] = event.data.spec as AppReleaseSpec;
      }
    },
    async write() {
      if (Object.keys(run.outputs).length === 0) return { written: false, missing: [] };
      const previous = await readEndpoints(environment.endpointsFile);
      const built = buildEndpoints(environment.name, run, previous);
      if ("missing" in built) return { written: false, missing: built.missing };
      await writeEndpoints(built.document, { root, environmentFile: environment.endpointsFile });
      return { written: true, missing: [] };
    },
  };
}
