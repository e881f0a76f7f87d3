import { beforeAll, describe, expect, it } from "vitest";
import { APPS, FAULTS, helmBinary, lintChart, type RenderInput } from "./helm.ts";

beforeAll(async () => {
  await helmBinary();
}, 30 * 60_000);

/** Every values set kit or CI installs: the service chart's ci/ file, each app's environments and faults. */
const valueSets: RenderInput[] = [
  { chart: "service", values: ["ci/default-values.yaml"] },
  ...APPS.flatMap((app): RenderInput[] => [
    { chart: app },
    { chart: app, values: ["values-local.yaml"] },
    { chart: app, values: ["values-eks.yaml"] },
    ...FAULTS.map((fault) => ({ chart: app, values: ["values-local.yaml", `ci/faults/${fault}.yaml`] })),
  ]),
];

describe("helm lint --strict", () => {
  it.each(
    valueSets.map((input) => ({
      name: `${input.chart} ${(input.values ?? ["defaults"]).join(" + ")}`,
      input,
    })),
  )("$name", async ({ input }) => {
    const { exitCode, output } = await lintChart(input);
    expect(output).toContain("0 chart(s) failed");
    expect(exitCode, output).toBe(0);
  });
});
