import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { changesOf, ignoredFile, watchedPaths } from "./changes.ts";

const root = "/p";
const config = {
  apps: {
    "go-app": {
      path: "apps/go-app",
      image: "go-app",
      chart: "charts/go-app",
      values: { local: ["charts/go-app/values-local.yaml"] },
      hostPort: 8080,
      readinessPath: "/readyz",
      usesDatabase: false,
    },
    "node-app": {
      path: "apps/node-app",
      image: "node-app",
      chart: "charts/node-app",
      values: { local: ["env/node-local.yaml"] },
      hostPort: 8081,
      readinessPath: "/readyz",
      usesDatabase: true,
    },
  },
};
const watched = watchedPaths(config, root, ["go-app", "node-app"]);

describe("kit dev's change map", () => {
  it("watches each app's source, chart and local values files", () => {
    expect(watched.filter((w) => w.app === "node-app")).toEqual([
      { app: "node-app", path: "/p/apps/node-app", kind: "source" },
      { app: "node-app", path: "/p/charts/node-app", kind: "chart" },
      { app: "node-app", path: "/p/env/node-local.yaml", kind: "values" },
    ]);
  });

  it("groups saves by app and kind; a values file inside its chart counts as values", () => {
    const files = [
      join(root, "apps/go-app/main.go"),
      join(root, "charts/go-app/values-local.yaml"),
      join(root, "apps/node-app/src/server.js"),
      join(root, "apps/node-app/src/server.js"),
      join(root, "README.md"),
    ];
    expect(changesOf(watched, root, files)).toEqual([
      {
        app: "go-app",
        kinds: ["source", "values"],
        files: ["apps/go-app/main.go", "charts/go-app/values-local.yaml"],
      },
      { app: "node-app", kinds: ["source"], files: ["apps/node-app/src/server.js"] },
    ]);
  });

  it("ignores editor noise and dependency folders", () => {
    for (const file of [
      "a/.main.go.swp",
      "a/main.go~",
      "a/4913",
      "a/node_modules/x/index.js",
      "a/.git/HEAD",
      "a/.#x",
    ])
      expect(ignoredFile(file), file).toBe(true);
    expect(ignoredFile("apps/go-app/main.go")).toBe(false);
    expect(changesOf(watched, root, [join(root, "apps/node-app/node_modules/ws/index.js")])).toEqual([]);
  });

  it("a path that only starts like a watched folder is not inside it", () => {
    expect(changesOf(watched, root, [join(root, "apps/go-app-old/main.go")])).toEqual([]);
  });
});
