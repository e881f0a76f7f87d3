/**
 * tflint (built by kit from the Go module proxy at the version in kit/versions.json) over every
 * module and environment, with the configuration terraform/.tflint.hcl: its bundled terraform
 * ruleset, recommended preset (unused declarations, deprecated syntax, untyped variables, providers
 * without a version constraint). It must find nothing; a planted module with such mistakes proves
 * that it really runs and reports them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/exec/index.ts";
import { ensureGoTool } from "../../src/tools/catalog.ts";
import { TERRAFORM_DIR } from "./tools.ts";

const CONFIG = join(TERRAFORM_DIR, ".tflint.hcl");
let tflint: string;
let scratch: string;

beforeAll(async () => {
  tflint = await ensureGoTool("tflint");
  scratch = mkdtempSync(join(tmpdir(), "kit-tflint-"));
}, 30 * 60_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** lint runs tflint over dir and every module folder below it, with the project's configuration. */
const lint = (dir: string) =>
  run(tflint, ["--recursive", `--config=${CONFIG}`, "--format=compact", "--no-color"], {
    cwd: dir,
    allowFailure: true,
    timeoutMs: 10 * 60_000,
    // Nothing to fetch: the bundled ruleset only; a plugin download would go to GitHub.
    env: { ...process.env, TFLINT_PLUGIN_DIR: join(scratch, "no-plugins") },
  });

describe("tflint over terraform/", () => {
  it(
    "finds nothing in any module or environment",
    async () => {
      const result = await lint(TERRAFORM_DIR);
      expect(`${result.stdout}${result.stderr}`.trim()).toBe("");
      expect(result.exitCode).toBe(0);
    },
    15 * 60_000,
  );

  it(
    "reports an unused variable, an untyped one and a provider without a version (a planted module)",
    async () => {
      const planted = join(scratch, "planted");
      rmSync(planted, { recursive: true, force: true });
      mkdirSync(planted, { recursive: true });
      writeFileSync(
        join(planted, "main.tf"),
        [
          "terraform {",
          '  required_version = ">= 1.10.0"',
          "  required_providers {",
          '    aws = { source = "hashicorp/aws" }',
          "  }",
          "}",
          "",
          'variable "used" {}',
          "",
          'variable "never_used" {',
          "  type = string",
          "}",
          "",
          'resource "aws_s3_bucket" "this" {',
          "  bucket = var.used",
          "}",
          "",
        ].join("\n"),
      );
      const result = await lint(planted);
      const out = `${result.stdout}${result.stderr}`;
      expect(result.exitCode, out).not.toBe(0);
      expect(out).toMatch(/terraform_unused_declarations/);
      expect(out).toMatch(/never_used/);
      expect(out).toMatch(/terraform_typed_variables/);
      expect(out).toMatch(/terraform_required_providers/);
    },
    15 * 60_000,
  );
});
