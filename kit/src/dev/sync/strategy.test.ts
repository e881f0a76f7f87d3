import { describe, expect, it } from "vitest";
import { decide, languageOf, nodeEntryOf, routeChanges } from "./strategy.ts";

describe("languageOf", () => {
  it("names Go by go.mod and Node by package.json, and nothing else", () => {
    expect(languageOf(["go.mod", "main.go", "Dockerfile"])).toBe("go");
    expect(languageOf(["package.json", "src"])).toBe("node");
    expect(languageOf(["Dockerfile", "app.py"])).toBeUndefined();
  });
});

describe("decide", () => {
  it("syncs Go sources, rebuilds for go.mod, go.sum or the Dockerfile", () => {
    expect(decide("go", ["main.go", "internal/app/app.go"])).toBe("sync");
    expect(decide("go", ["main.go", "go.mod"])).toBe("rebuild");
    expect(decide("go", ["go.sum"])).toBe("rebuild");
    expect(decide("go", ["Dockerfile"])).toBe("rebuild");
  });

  it("syncs Node's src/, rebuilds for the lock file, package.json and tsconfig", () => {
    expect(decide("node", ["src/routes/basic.ts", "src/app.ts"])).toBe("sync");
    expect(decide("node", ["package-lock.json"])).toBe("rebuild");
    expect(decide("node", ["src/app.ts", "package.json"])).toBe("rebuild");
    expect(decide("node", ["tsconfig.build.json"])).toBe("rebuild");
    expect(decide("node", ["test/http.test.ts"])).toBe("rebuild");
  });

  it("ignores an editor's temporary file that is gone, but not a deleted dependency file that exists", () => {
    const exists = (f: string) => f !== "src/routes/sedp9hIt8";
    expect(decide("node", ["src/routes/basic.ts", "src/routes/sedp9hIt8"], exists)).toBe("sync");
    expect(decide("node", ["src/routes/basic.ts", "src/routes/sedp9hIt8"])).toBe("rebuild");
  });
});

describe("nodeEntryOf", () => {
  it("maps package.json main to its source under src/", () => {
    expect(nodeEntryOf("dist/main.js")).toEqual({ source: "src/main.ts", output: "dist/main.js" });
    expect(nodeEntryOf("./build/server/index.mjs")).toEqual({
      source: "src/server/index.ts",
      output: "build/server/index.mjs",
    });
    expect(nodeEntryOf(undefined)).toEqual({ source: "src/main.ts", output: "dist/main.js" });
  });
});

describe("routeChanges", () => {
  const apps: Record<string, { path: string; language: "go" | "node" | undefined; syncing: boolean }> = {
    "go-app": { path: "apps/go-app", language: "go", syncing: true },
    "node-app": { path: "apps/node-app/", language: "node", syncing: true },
    "py-app": { path: "apps/py-app", language: undefined, syncing: false },
    "new-app": { path: "apps/new-app", language: "go", syncing: false },
  };
  const appOf = (app: string) => apps[app] ?? { path: app, language: undefined, syncing: false };

  it("sends code saves to sync and everything else to the up plan", () => {
    const route = routeChanges(
      [
        { app: "go-app", kinds: ["source"], files: ["apps/go-app/main.go"] },
        { app: "node-app", kinds: ["source"], files: ["apps/node-app/package-lock.json"] },
      ],
      appOf,
    );
    expect(route).toEqual({ sync: ["go-app"], release: [], rebuild: ["node-app"] });
  });

  it("a chart or values change is a release (image kept); an app kit cannot sync or not yet synced is rebuilt", () => {
    const route = routeChanges(
      [
        {
          app: "go-app",
          kinds: ["source", "values"],
          files: ["apps/go-app/main.go", "charts/go-app/values-local.yaml"],
        },
        { app: "node-app", kinds: ["source"], files: ["apps/node-app/src/app.ts"] },
        { app: "py-app", kinds: ["source"], files: ["apps/py-app/app.py"] },
        { app: "new-app", kinds: ["source"], files: ["apps/new-app/main.go"] },
      ],
      appOf,
    );
    expect(route).toEqual({ sync: ["node-app"], release: ["go-app"], rebuild: ["py-app", "new-app"] });
  });

  it("a values change with a dependency file is a rebuild", () => {
    const route = routeChanges(
      [
        {
          app: "go-app",
          kinds: ["source", "values"],
          files: ["apps/go-app/go.sum", "charts/go-app/values-local.yaml"],
        },
      ],
      appOf,
    );
    expect(route).toEqual({ sync: [], release: [], rebuild: ["go-app"] });
  });

  it("asks whether a file exists by its path from the project root", () => {
    const seen: string[] = [];
    routeChanges([{ app: "go-app", kinds: ["source"], files: ["apps/go-app/sedX1"] }], appOf, (f) => {
      seen.push(f);
      return false;
    });
    expect(seen).toEqual(["apps/go-app/sedX1"]);
  });
});
