import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeApp } from "./build.ts";

const image = { entrypoint: ["/nodejs/bin/node"], workdir: "/app" };

describe("describeApp", () => {
  it("runs a Go app's synced binary", async () => {
    expect(await describeApp({ language: "go", name: "go-app", appDir: "/nowhere", image })).toEqual({
      command: ["/kit-dev/app/go-app"],
      subPathMounts: [],
      env: [],
    });
  });

  it("runs package.json's main with the image's node, the build mounted over the image's own", async () => {
    const appDir = mkdtempSync(join(tmpdir(), "kit-describe-"));
    writeFileSync(join(appDir, "package.json"), JSON.stringify({ main: "./build/server.js" }));
    expect(await describeApp({ language: "node", name: "api", appDir, image })).toEqual({
      command: ["/nodejs/bin/node", "build/server.js"],
      subPathMounts: [{ subPath: "app/build", mountPath: "/app/build" }],
      env: [{ name: "NODE_COMPILE_CACHE", value: "/tmp/node-compile-cache" }],
    });
  });

  it("falls back to node on PATH and /app when the image names neither", async () => {
    const appDir = mkdtempSync(join(tmpdir(), "kit-describe-"));
    writeFileSync(join(appDir, "package.json"), "{}");
    const built = await describeApp({
      language: "node",
      name: "api",
      appDir,
      image: { entrypoint: [], workdir: "" },
    });
    expect(built.command).toEqual(["node", "dist/main.js"]);
    expect(built.subPathMounts).toEqual([{ subPath: "app/dist", mountPath: "/app/dist" }]);
  });
});
