/**
 * A fast check beside the Starlark run (tiltfile.integration.test.ts): every key the Tiltfile
 * names in .kit/endpoints.json is one the endpoints schema declares.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { endpointsSchema } from "../../src/environment/endpoints-schema.ts";
import { REPO_ROOT } from "../support/cli.ts";
import { schemaHasPath } from "./schema-paths.ts";

/** The Tiltfile's names for parts of the document, and where each sits in it. */
const PREFIXES: Record<string, string[]> = {
  endpoints: [],
  deployed: ["apps", "*"],
  release: ["apps", "*", "release"],
};

/** endpointsKeysIn lists the keys a Tiltfile reads, as paths: `endpoints['x']`, `endpoints.get('x')`. */
function endpointsKeysIn(tiltfile: string): string[][] {
  const pattern = /\b(endpoints|deployed|release)(?:\[|\.get\()\s*['"]([^'"]+)['"]/g;
  return [...tiltfile.matchAll(pattern)].map((m) => [...(PREFIXES[m[1] as string] ?? []), m[2] as string]);
}

describe("the Tiltfile's endpoints keys", () => {
  const tiltfile = readFileSync(join(REPO_ROOT, "Tiltfile"), "utf8");

  it("are all declared by the endpoints schema", () => {
    const keys = endpointsKeysIn(tiltfile);
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.filter((path) => !schemaHasPath(endpointsSchema, path)).map((p) => p.join("."))).toEqual([]);
  });

  it("would catch one the schema lacks", () => {
    const keys = endpointsKeysIn(
      `${tiltfile}\nx = release['chartPath']\ny = endpoints.get('kubeContextName')\n`,
    );
    expect(keys.filter((path) => !schemaHasPath(endpointsSchema, path)).map((p) => p.join("."))).toEqual([
      "apps.*.release.chartPath",
      "kubeContextName",
    ]);
  });
});
