/**
 * Seed 004's .gitlab-ci.yml is checked against GitLab's CI schema as SchemaStore publishes it,
 * vendored in check-jsonschema (PyPI, pinned, installed on first use): no GitLab instance is
 * needed, and nothing is downloaded at check time. A broken copy must fail, or the check proves
 * nothing.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/exec/index.ts";
import { ensurePipTool } from "../support/pip-tool.ts";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const PIPELINE = join(ROOT, "apps", "pmp-api", ".gitlab-ci.yml");
const CHECK_JSONSCHEMA = { name: "check-jsonschema", version: "0.39.0", versionArgs: ["--version"] };

let checker: string;
let work: string;

async function check(file: string) {
  return run(checker, ["--builtin-schema", "vendor.gitlab-ci", "--disable-formats", "*", file], {
    allowFailure: true,
    timeoutMs: 120_000,
  });
}

beforeAll(async () => {
  checker = await ensurePipTool(CHECK_JSONSCHEMA);
  work = await mkdtemp(join(tmpdir(), "kit-gitlab-ci-"));
}, 20 * 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("apps/pmp-api/.gitlab-ci.yml", () => {
  it("is valid against GitLab's CI schema", async () => {
    const result = await check(PIPELINE);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ok -- validation done/);
  });

  it("a pipeline with a misspelt keyword fails the same check", async () => {
    const broken = join(work, ".gitlab-ci.yml");
    await writeFile(
      broken,
      (await readFile(PIPELINE, "utf8")).replace("  stage: test\n", "  stages: test\n"),
    );
    const result = await check(broken);
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/stages|Additional properties/);
  });
});
