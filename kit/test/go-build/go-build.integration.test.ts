/**
 * A real cold Go build through buildGoProgram (a small program from the Go module proxy, into a
 * scratch kit cache with an empty Go build cache): it records its cost beside its binaries (wall and CPU seconds, for the cold-path
 * benches), and a second call takes it from the cache without running go.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../src/exec/index.ts";
import { type BuildCost, buildGoProgram, type GoBuildSpec } from "../../src/tools/go-build.ts";

const cache = mkdtempSync(join(tmpdir(), "kit-go-build-"));
// A cold build means an empty Go build cache too: with a warm one, go only links.
const savedGoCache = process.env.GOCACHE;
process.env.GOCACHE = join(cache, "go-build-cache");
afterAll(() => {
  if (savedGoCache === undefined) delete process.env.GOCACHE;
  else process.env.GOCACHE = savedGoCache;
  rmSync(cache, { recursive: true, force: true });
});

const spec: GoBuildSpec = {
  name: "stringer",
  module: "golang.org/x/tools",
  version: "v0.38.0",
  packages: [{ binary: "stringer", importPath: "golang.org/x/tools/cmd/stringer" }],
};

describe("buildGoProgram", () => {
  it(
    "builds from the Go module proxy, records wall and CPU seconds, then serves the cache",
    async () => {
      const env = { ...process.env, KIT_CACHE_DIR: cache };
      const first = await buildGoProgram(spec, { env });
      expect(first.built).toBe(true);
      const binary = first.binaries.stringer ?? "";
      expect((await run(binary, ["-help"], { allowFailure: true })).stderr).toMatch(/stringer/i);

      const cost = JSON.parse(readFileSync(join(first.dir, "build.json"), "utf8")) as BuildCost;
      expect(cost.seconds).toBeGreaterThan(0);
      // Compiling a program costs CPU; `times` counts the compilers go ran, not only go itself.
      expect(cost.cpuSeconds).toBeGreaterThan(0.5);

      const again = await buildGoProgram(spec, { env });
      expect(again).toEqual({ ...first, built: false });
      expect(existsSync(join(first.dir, "inputs.json"))).toBe(true);
    },
    15 * 60_000,
  );
});
