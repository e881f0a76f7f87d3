/**
 * `kit up`'s terraform step (plans/terraform-local.ts) on a copy of the project's terraform/ in a
 * scratch project root, against a moto of its own: it applies in the sandbox, records the inputs so
 * an unchanged configuration is not applied again, and leaves no sandbox container behind.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyLocalTerraform, unchangedLocalTerraform } from "../../src/plans/terraform-local.ts";
import { type RunningAwsEmulator, startAwsEmulator } from "../../src/providers/aws/index.ts";
import { docker, requireDocker } from "../../src/tools/docker.ts";
import { removeTerraformSandboxes } from "../../src/tools/terraform/sandbox.ts";
import { TERRAFORM_DIR } from "./tools.ts";

const PROJECT = `kit-tfl-${process.pid}`;
let emulator: RunningAwsEmulator;
let root: string;

beforeAll(async () => {
  await requireDocker();
  emulator = await startAwsEmulator({ project: PROJECT, emulator: "moto", imageSource: "build" });
  root = mkdtempSync(join(tmpdir(), "kit-tfl-"));
  cpSync(TERRAFORM_DIR, join(root, "terraform"), {
    recursive: true,
    filter: (src) => !src.includes(".terraform"),
  });
}, 30 * 60_000);

afterAll(async () => {
  await removeTerraformSandboxes(PROJECT);
  await emulator?.remove();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("the local terraform step", () => {
  it("applies in the sandbox, then sees nothing changed, and leaves no container", async () => {
    const options = {
      root,
      project: PROJECT,
      dir: "terraform/environments/local",
      stateDir: join(root, "state"),
      emulator,
      terraformBinary: "auto" as const,
    };
    expect(await unchangedLocalTerraform(options)).toBeUndefined();
    const outputs = await applyLocalTerraform(options);
    expect(String(outputs.vpc_id)).toMatch(/^vpc-/);
    expect(await unchangedLocalTerraform(options)).toEqual(outputs);
    const left = await docker([
      "ps",
      "-aq",
      "--filter",
      `label=dev.kit.project=${PROJECT}`,
      "--filter",
      "label=dev.kit.component=terraform-sandbox",
    ]);
    expect(left.trim()).toBe("");
  });
});
