/**
 * The repository's Tiltfile, executed by a real Starlark interpreter (go.starlark.net, the dialect
 * Tilt runs) with Tilt's built-ins recording their calls (starlark-runner/), on an
 * .kit/endpoints.json written by kit's own recorder. Tilt itself is not installable here; this
 * checks what Tilt would be asked to do: read only keys of the endpoints contract, build each app
 * with `kit build`, and deploy kit up's release (chart, values files, computed values).
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.ts";
import { endpointsSchema } from "../../src/environment/endpoints-schema.ts";
import { run } from "../../src/exec/index.ts";
import { buildLocalGoProgram } from "../../src/images/node/local-go.ts";
import { computedValuesFile } from "../../src/plans/endpoints.ts";
import { REPO_ROOT } from "../support/cli.ts";
import { flattenValues } from "../support/helm-values.ts";
import { type FakeUpRun, writeFakeUpEndpoints } from "./fake-up-run.ts";
import { schemaHasPath } from "./schema-paths.ts";

interface Recorded {
  calls: { fn: string; args: Record<string, unknown> }[];
  reads: { file: string; path: string[] }[];
  error: string | null;
}

let runner: string;
let project: string;
let fake: FakeUpRun;

/** runTiltfile runs the repository's Tiltfile in project with k8s_context() returning context. */
async function runTiltfile(context: string, dir = project): Promise<Recorded> {
  const result = await run(runner, ["-context", context, join(dir, "Tiltfile")], {
    allowFailure: true,
    timeoutMs: 60_000,
  });
  return JSON.parse(result.stdout) as Recorded;
}

/** newProject makes a folder that holds the repository's Tiltfile and kit.config.yaml, as a checkout does. */
function newProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "kit-tiltfile-"));
  for (const name of ["Tiltfile", "kit.config.yaml"]) symlinkSync(join(REPO_ROOT, name), join(dir, name));
  return dir;
}

beforeAll(async () => {
  ({ binary: runner } = await buildLocalGoProgram(
    "starlark-runner",
    join(import.meta.dirname, "starlark-runner"),
  ));
  project = newProject();
  fake = await writeFakeUpEndpoints(project, "kt-tiltfile");
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("the Tiltfile on kit's endpoints", () => {
  let recorded: Recorded;
  const calls = (fn: string) => recorded.calls.filter((c) => c.fn === fn);
  beforeAll(async () => {
    recorded = await runTiltfile(fake.kubeContext);
  });

  it("runs to the end", () => {
    expect(recorded.error).toBeNull();
  });

  it("reads only keys the endpoints schema declares", () => {
    const reads = recorded.reads.filter((r) => r.file === ".kit/endpoints.json").map((r) => r.path);
    expect(reads.length).toBeGreaterThan(10);
    const unknown = reads.filter((path) => !schemaHasPath(endpointsSchema, path)).map((p) => p.join("."));
    expect(unknown).toEqual([]);
    // And the check itself catches a key the schema lacks.
    expect(schemaHasPath(endpointsSchema, ["apps", "go-app", "release", "chartPath"])).toBe(false);
  });

  it("works on the cluster and namespace kit up made", () => {
    expect(calls("allow_k8s_contexts")).toEqual([
      { fn: "allow_k8s_contexts", args: { contexts: fake.kubeContext } },
    ]);
    expect(calls("os.putenv")).toContainEqual({
      fn: "os.putenv",
      args: { key: "KUBECONFIG", value: fake.kubeconfig },
    });
  });

  it("builds every app of kit.config.yaml with kit build, pushed to kit's registry", () => {
    const builds = calls("custom_build");
    expect(builds.map((b) => b.args.ref)).toEqual(
      Object.values(fake.config.apps).map((app) => `${fake.registry}/${app.image}`),
    );
    for (const [name, app] of Object.entries(fake.config.apps)) {
      const build = builds.find((b) => b.args.ref === `${fake.registry}/${app.image}`);
      expect(build?.args).toMatchObject({
        command: `node kit/bin/kit.js --plain build ${name} --tag $EXPECTED_REF`,
        deps: [app.path],
        skips_local_docker: true,
      });
    }
  });

  it("runs a command kit has, with the flags it takes", () => {
    const command = String(calls("custom_build")[0]?.args.command);
    const [node, entry, ...argv] = command.split(" ");
    expect([node, entry]).toEqual(["node", "kit/bin/kit.js"]);
    const program = buildProgram(() => {});
    const build = program.commands.find((c) => c.name() === argv[1]);
    expect(build?.name()).toBe("build");
    expect(program.options.map((o) => o.long)).toContain(argv[0]);
    expect(build?.options.map((o) => o.long)).toContain(argv[3]);
  });

  it("deploys each app's release as kit up does: chart, values files, computed values; only the image is Tilt's", () => {
    const deploys = calls("helm");
    expect(deploys).toHaveLength(Object.keys(fake.config.apps).length);
    for (const [name, spec] of Object.entries(fake.releases)) {
      const deploy = deploys.find((d) => d.args.name === name);
      expect(deploy?.args).toEqual({
        paths: spec.chart,
        name: spec.release,
        namespace: fake.namespace,
        values: [...spec.valuesFiles, computedValuesFile(name)],
        set: [
          ...Object.entries(spec.setTyped).map(([key, value]) => `${key}=${value}`),
          "service.image.digest=",
          "service.image.tag=tilt",
        ],
      });
      // The computed values file holds what kit up hands helm in its own computed file.
      const computed = JSON.parse(readFileSync(join(project, computedValuesFile(name)), "utf8"));
      expect(flattenValues(computed)).toEqual(spec.set);
      expect(spec.set["service.image.registry"]).toBe(fake.registry);
      // Chart and values files are the repository's own.
      for (const path of [spec.chart, ...spec.valuesFiles]) {
        expect(() =>
          readFileSync(join(REPO_ROOT, path, path.endsWith(".yaml") ? "" : "Chart.yaml")),
        ).not.toThrow();
      }
    }
    expect(calls("k8s_yaml")).toHaveLength(deploys.length);
  });

  it("links each app's URL", () => {
    for (const [name, url] of Object.entries(fake.appUrls)) {
      expect(calls("k8s_resource")).toContainEqual({
        fn: "k8s_resource",
        args: { workload: name, links: [{ url, name }], labels: ["apps"] },
      });
    }
  });
});

describe("the Tiltfile refuses to start", () => {
  it("without endpoints, saying to run kit up", async () => {
    const empty = newProject();
    try {
      const recorded = await runTiltfile("kind-kit", empty);
      expect(recorded.error).toMatch(/No \.kit\/endpoints\.json: run `npm run up`/);
      expect(recorded.calls.filter((c) => c.fn === "helm")).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("on another kube context, saying how to start Tilt on kit's", async () => {
    const recorded = await runTiltfile("kind-somewhere-else");
    expect(recorded.error).toContain(`KUBECONFIG=${fake.kubeconfig} tilt up`);
    expect(recorded.calls.filter((c) => c.fn === "custom_build")).toEqual([]);
  });
});
