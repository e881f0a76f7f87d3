import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
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
import { RealAwsRefused } from "./guard.ts";
import { OVERRIDE_FILE } from "./override.ts";
import { localTerraform } from "./terraform.ts";

const testdata = fileURLToPath(new URL("./testdata/", import.meta.url));

// terraform init && apply && destroy of a small fixture against moto, with the AWS provider built
// from the Go module proxy and installed from kit's filesystem mirror (no registry access).
describe("local Terraform against moto", () => {
  const project = `test-tf-${process.pid}`;
  const work = mkdtempSync(join(tmpdir(), "kit-tf-"));
  let emulator: RunningAwsEmulator;

  beforeAll(async () => {
    emulator = await startAwsEmulator({ project, emulator: "moto", imageSource: "build" });
  });
  afterAll(async () => {
    await removeAwsEmulators(project);
    rmSync(work, { recursive: true, force: true });
  });

  it("inits offline from the mirror, applies, reads outputs and destroys", async () => {
    const dir = join(work, "fixture");
    cpSync(join(testdata, "fixture"), dir, { recursive: true });
    const lines: string[] = [];
    const tf = await localTerraform({
      dir,
      endpoint: emulator.endpoint,
      region: emulator.region,
      onLine: (line) => lines.push(line),
    });
    await tf.init();
    expect(lines.join("\n")).toMatch(/Installing hashicorp\/aws v6\.\d+\.\d+/);
    await tf.apply();
    expect(existsSync(join(dir, OVERRIDE_FILE))).toBe(false);
    const outputs = await tf.output();
    expect(outputs).toMatchObject({
      bucket: "kit-fixture-artifacts",
      table: "kit-fixture-orders",
      parameter: "/kit-fixture/table",
    });
    expect(String(outputs.role_arn)).toMatch(/^arn:aws:iam::\d{12}:role\/kit-fixture-app$/);
    // The resources exist in the emulator, seen through the SDK.
    const ssm = new SSMClient(emulatorClientConfig(emulator.endpoint, emulator.region));
    const param = await ssm.send(new GetParameterCommand({ Name: "/kit-fixture/table" }));
    expect(param.Parameter?.Value).toBe("kit-fixture-orders");
    await tf.destroy();
    await expect(ssm.send(new GetParameterCommand({ Name: "/kit-fixture/table" }))).rejects.toMatchObject({
      name: "ParameterNotFound",
    });
  });

  it("refuses an S3 backend aimed at AWS before running anything", async () => {
    const dir = join(work, "s3-backend");
    cpSync(join(testdata, "s3-backend"), dir, { recursive: true });
    await expect(
      localTerraform({ dir, endpoint: emulator.endpoint, region: emulator.region }),
    ).rejects.toBeInstanceOf(RealAwsRefused);
    expect(existsSync(join(dir, ".terraform"))).toBe(false);
  });

  it("refuses real-looking credentials without an endpoint override", async () => {
    const dir = join(work, "real-key");
    cpSync(join(testdata, "real-key"), dir, { recursive: true });
    const refused = await localTerraform({ dir, endpoint: emulator.endpoint, region: emulator.region }).catch(
      (e) => e,
    );
    expect(refused).toBeInstanceOf(RealAwsRefused);
    expect((refused as RealAwsRefused).findings.map((f) => f.rule)).toContain("real-access-key");
    expect(existsSync(join(dir, ".terraform"))).toBe(false);
  });

  it("refuses a provider in a child module that no override can reach", async () => {
    const dir = join(work, "module-provider");
    cpSync(join(testdata, "module-provider"), dir, { recursive: true });
    const refused = await localTerraform({ dir, endpoint: emulator.endpoint, region: emulator.region }).catch(
      (e) => e,
    );
    expect((refused as RealAwsRefused).findings.map((f) => f.rule)).toContain("module-provider");
  });
});
