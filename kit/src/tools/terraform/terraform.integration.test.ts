import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  emulatorClientConfig,
  type RunningAwsEmulator,
  removeAwsEmulators,
  startAwsEmulator,
} from "../../providers/aws/index.ts";
import { docker } from "../docker.ts";
import { RealAwsRefused } from "./guard.ts";
import { removeTerraformSandboxes } from "./sandbox.ts";
import { sandboxedTerraform } from "./terraform.ts";

const testdata = fileURLToPath(new URL("./testdata/", import.meta.url));
const project = `test-tf-${process.pid}`;
const sandboxes = async (): Promise<string[]> =>
  (
    await docker([
      "ps",
      "-aq",
      "--filter",
      `label=dev.kit.project=${project}`,
      "--filter",
      "label=dev.kit.component=terraform-sandbox",
    ])
  )
    .split("\n")
    .filter(Boolean);

// init && apply && destroy of a small fixture against moto inside the sandbox, with the AWS provider
// built from the Go module proxy and installed from kit's filesystem mirror (no registry access).
describe("sandboxed Terraform against moto", () => {
  const work = mkdtempSync(join(tmpdir(), "kit-tf-"));
  let emulator: RunningAwsEmulator;

  beforeAll(async () => {
    emulator = await startAwsEmulator({ project, emulator: "moto", imageSource: "build" });
  }, 30 * 60_000);
  afterAll(async () => {
    await removeTerraformSandboxes(project);
    await removeAwsEmulators(project);
    rmSync(work, { recursive: true, force: true });
  });

  it("inits offline from the mirror, plans to a file, applies that plan, reads outputs and destroys", async () => {
    const lines: string[] = [];
    const tf = await sandboxedTerraform({
      project,
      configRoot: join(testdata, "allowed"),
      moduleDir: "fixture",
      emulator,
      stateFile: join(work, "state", "fixture.tfstate"),
      dataDir: join(work, "data"),
      onLine: (line) => lines.push(line),
    });
    try {
      expect(await sandboxes()).toEqual([expect.any(String)]);
      await tf.init();
      expect(lines.join("\n")).toMatch(/Installing hashicorp\/aws v6\.\d+\.\d+/);
      const plan = await tf.plan({ out: join(work, "fixture.tfplan") });
      expect(plan).toBe(join(work, "fixture.tfplan"));
      const shown = await tf.showPlan(plan);
      expect(shown.resource_changes?.map((c) => c.address)).toContain("aws_ssm_parameter.this");
      expect(shown.resource_changes?.every((c) => c.change.actions.join() === "create")).toBe(true);
      await tf.apply(plan);
      const outputs = await tf.output();
      expect(outputs).toMatchObject({
        bucket: "kit-fixture-artifacts",
        table: "kit-fixture-orders",
        parameter: "/kit-fixture/table",
      });
      const ssm = new SSMClient(emulatorClientConfig(emulator.endpoint, emulator.region));
      const param = await ssm.send(new GetParameterCommand({ Name: "/kit-fixture/table" }));
      expect(param.Parameter?.Value).toBe("kit-fixture-orders");
      await tf.destroy();
      await expect(ssm.send(new GetParameterCommand({ Name: "/kit-fixture/table" }))).rejects.toMatchObject({
        name: "ParameterNotFound",
      });
    } finally {
      await tf.close();
    }
    expect(await sandboxes()).toEqual([]);
  });

  it("cancelling a command stops and removes the sandbox container", async () => {
    const controller = new AbortController();
    const tf = await sandboxedTerraform({
      project,
      configRoot: join(testdata, "allowed"),
      moduleDir: "fixture",
      emulator,
      stateFile: join(work, "state", "cancel.tfstate"),
      dataDir: join(work, "data-cancel"),
      signal: controller.signal,
      onLine: (line) => {
        if (/Initializing/.test(line)) controller.abort();
      },
    });
    await expect(tf.init()).rejects.toThrow(/cancel/i);
    expect(await sandboxes()).toEqual([]);
  });

  it.each(["s3-backend", "real-key", "module-provider", "local-exec"])(
    "refuses testdata/refused/%s before any container starts",
    async (fixture) => {
      const refused = await sandboxedTerraform({
        project,
        configRoot: join(testdata, "refused"),
        moduleDir: fixture,
        emulator,
        stateFile: join(work, "state", `${fixture}.tfstate`),
        dataDir: join(work, `data-${fixture}`),
      }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RealAwsRefused);
      expect((refused as Error).message).toMatch(new RegExp(`refused/${fixture}/[^:]+:\\d+: \\[`));
      expect(await sandboxes()).toEqual([]);
    },
  );
});
