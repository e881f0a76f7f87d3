import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./load.ts";
import { missingProjectFiles, requireProjectFiles } from "./project-files.ts";
import { configSchema } from "./schema.ts";

const config = configSchema.parse({
  apiVersion: "kit.dev/v1alpha1",
  kind: "Config",
  project: "shop",
  apps: {
    web: {
      path: "apps/web",
      image: "web",
      chart: "charts/web",
      hostPort: 30080,
      values: { local: ["charts/web/values-local.yaml"] },
    },
  },
  environments: { local: { type: "local", terraformDir: "terraform/local" } },
});

function project(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), "kit-files-"));
  for (const file of files) {
    mkdirSync(join(root, file, ".."), { recursive: true });
    if (!file.endsWith("/")) writeFileSync(join(root, file), "");
    else mkdirSync(join(root, file), { recursive: true });
  }
  return root;
}

describe("missingProjectFiles", () => {
  it("finds nothing missing in a complete project", () => {
    const root = project([
      "apps/web/",
      "charts/web/Chart.yaml",
      "charts/web/values-local.yaml",
      "terraform/local/",
    ]);
    expect(missingProjectFiles(config, root)).toEqual([]);
  });

  it("names every missing folder, chart and values file by its field", () => {
    const root = project(["charts/web/values.yaml"]);
    expect(missingProjectFiles(config, root).map((p) => p.path)).toEqual([
      "apps.web.path",
      "apps.web.chart",
      "apps.web.values.local[0]",
      "environments.local.terraformDir",
    ]);
    expect(() => requireProjectFiles(config, root, "kit.config.yaml")).toThrow(ConfigError);
    expect(() => requireProjectFiles(config, root, "kit.config.yaml")).toThrow(
      /kit.config.yaml: apps.web.chart: the chart \(its Chart.yaml\) charts\/web does not exist/,
    );
  });
});
