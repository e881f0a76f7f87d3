/**
 * checkov over the manifests each chart renders for every environment (and the service chart's ci
 * values), with charts/.checkov.yaml: any finding not skipped there with a reason fails.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeFailures, ensureCheckov, runCheckov } from "../terraform/tools.ts";
import { APPS, CHARTS_DIR, ENVIRONMENTS, helmBinary, renderChartText } from "./helm.ts";

let dir: string;

beforeAll(async () => {
  await Promise.all([helmBinary(), ensureCheckov()]);
  dir = await mkdtemp(join(tmpdir(), "kit-chart-scan-"));
  for (const app of APPS) {
    for (const [env, values] of Object.entries(ENVIRONMENTS)) {
      await writeFile(
        join(dir, `${app}-${env}.yaml`),
        await renderChartText({ chart: app, values: [...values] }),
      );
    }
  }
  await writeFile(
    join(dir, "service-ci.yaml"),
    await renderChartText({ chart: "service", values: ["ci/default-values.yaml"], release: "svc" }),
  );
}, 30 * 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("checkov over the rendered charts", () => {
  it("finds nothing beyond the checks charts/.checkov.yaml skips with a reason", async () => {
    const summary = await runCheckov(
      ["--config-file", join(CHARTS_DIR, ".checkov.yaml"), "-d", dir],
      CHARTS_DIR,
    );
    expect(summary.failures, describeFailures(summary.failures)).toEqual([]);
    expect(summary.passed).toBeGreaterThan(100);
  });
});
