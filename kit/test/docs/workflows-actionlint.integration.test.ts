/**
 * actionlint (built by kit from the Go module proxy at the version in kit/versions.json) over
 * .github/workflows: expressions, contexts, job needs, action inputs and runner labels must be
 * right. It checks run: scripts with shellcheck when that is on PATH. A planted mistake proves the
 * linter is really run.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/exec/index.ts";
import { ensureGoTool } from "../../src/tools/catalog.ts";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const WORKFLOWS = join(ROOT, ".github", "workflows");
let actionlint: string;
let scratch: string;

beforeAll(async () => {
  actionlint = await ensureGoTool("actionlint");
  scratch = mkdtempSync(join(tmpdir(), "kit-actionlint-"));
}, 20 * 60_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const lint = (files: string[]) =>
  run(actionlint, ["-no-color", ...files], { cwd: ROOT, allowFailure: true, timeoutMs: 120_000 });

describe("actionlint over the workflows", () => {
  it("finds nothing wrong in any workflow", async () => {
    const files = readdirSync(WORKFLOWS)
      .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
      .map((f) => join(WORKFLOWS, f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const result = await lint(files);
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.exitCode).toBe(0);
  });

  it("catches a mistake planted in a copy of ci.yml (the linter really runs)", async () => {
    const copy = join(scratch, "ci.yml");
    const text = readFileSync(join(WORKFLOWS, "ci.yml"), "utf8");
    // A job needing one that does not exist.
    writeFileSync(
      copy,
      text.replace(/^jobs:\n(\s+)([\w-]+):\n/m, "jobs:\n$1$2:\n$1  needs: [no-such-job]\n"),
    );
    const result = await lint([copy]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toMatch(/no-such-job/);
  });
});
