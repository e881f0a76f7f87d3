/**
 * Applies terraform/environments/local to the AWS emulator (moto) the way `kit up` does (real-AWS
 * guard, then the sandbox: an internal network shared only with the emulator, provider from the
 * offline mirror, endpoint override), checks with the AWS SDK that the resources exist, then
 * destroys them and checks they are gone. The emulator and the sandbox are this suite's own
 * (project kit-tf-it) and removed afterwards.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { DescribeRepositoriesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  GetBucketEncryptionCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClientConfig, type RunningAwsEmulator } from "../../src/providers/aws/index.ts";
import { requireDocker } from "../../src/tools/docker.ts";
import {
  removeTerraformSandboxes,
  type SandboxedTerraform,
  sandboxedTerraform,
} from "../../src/tools/terraform/terraform.ts";
import { startTestMoto } from "../support/emulator-cli.ts";
import { TERRAFORM_DIR } from "./tools.ts";

const PROJECT = "kit-tf-it";
const REGION = "us-east-1";
const log = (line: string): void => {
  if (process.env.KIT_TEST_VERBOSE) console.log(line);
};

let emulator: RunningAwsEmulator;
let terraform: SandboxedTerraform;
let work: string;

beforeAll(async () => {
  await requireDocker();
  emulator = await startTestMoto({ project: PROJECT, region: REGION, onLine: log });
  work = await mkdtemp(join(tmpdir(), "kit-tf-local-"));
  terraform = await sandboxedTerraform({
    project: PROJECT,
    configRoot: TERRAFORM_DIR,
    moduleDir: "environments/local",
    emulator,
    stateFile: join(work, "terraform.tfstate"),
    dataDir: join(work, "data"),
    vars: { region: REGION },
    onLine: log,
  });
  await terraform.init();
}, 90 * 60_000);

afterAll(async () => {
  await terraform?.close();
  await removeTerraformSandboxes(PROJECT);
  await emulator?.remove();
  if (work) await rm(work, { recursive: true, force: true });
}, 10 * 60_000);

describe("terraform/environments/local on the emulator", () => {
  it("applies, and the resources answer through the AWS SDK", async () => {
    await terraform.apply();
    const outputs = await terraform.output();
    expect(String(outputs.vpc_id)).toMatch(/^vpc-/);
    expect(Object.keys(outputs.ecr_repository_urls as object).sort()).toEqual(["kit/go-app", "kit/node-app"]);

    const config = emulatorClientConfig(emulator.endpoint, REGION);
    const repos = await new ECRClient(config).send(new DescribeRepositoriesCommand({}));
    const byName = new Map((repos.repositories ?? []).map((r) => [r.repositoryName, r]));
    for (const name of ["kit/go-app", "kit/node-app"]) {
      expect(byName.get(name)?.imageTagMutability, name).toBe("IMMUTABLE");
      expect(byName.get(name)?.imageScanningConfiguration?.scanOnPush, name).toBe(true);
    }
    const role = await new IAMClient(config).send(new GetRoleCommand({ RoleName: "kit-local-ci-deploy" }));
    expect(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? "")).toContain(
      "repo:kit-dev/kit:environment:local",
    );
    expect(Object.keys(outputs.app_log_group_arns as object)).toEqual(["/kit/local/apps"]);
    expect(String(outputs.alarm_topic_arn)).toMatch(/^arn:aws:sns:us-east-1:\d{12}:kit-local-alarms$/);

    // data-api's table (seed 003): on-demand, encrypted, point-in-time recovery.
    expect(outputs.data_api_table_name).toBe("kit-local-data-api-items");
    const dynamo = new DynamoDBClient(config);
    const table = (await dynamo.send(new DescribeTableCommand({ TableName: "kit-local-data-api-items" })))
      .Table;
    expect(table?.TableStatus).toBe("ACTIVE");
    expect(table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    expect(table?.KeySchema).toEqual([{ AttributeName: "id", KeyType: "HASH" }]);
    expect(table?.SSEDescription?.Status).toBe("ENABLED");
    const backups = await dynamo.send(
      new DescribeContinuousBackupsCommand({ TableName: "kit-local-data-api-items" }),
    );
    expect(
      backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
    ).toBe("ENABLED");

    // pmp-api's notices (seed 004): private, versioned, under the bucket's own KMS key, seeded.
    const bucket = "kit-local-pmp-notices";
    expect(outputs.pmp_notices_bucket).toBe(bucket);
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe("Enabled");
    const sse = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    expect(
      sse.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
    ).toBe("aws:kms");
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(Object.values(block.PublicAccessBlockConfiguration ?? {})).toEqual([true, true, true, true]);
    const notice = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "notices/current.json" }));
    expect(JSON.parse(await (notice.Body?.transformToString() ?? "{}"))).toMatchObject({ version: 1 });
  });

  it("destroys everything it created", async () => {
    await terraform.destroy();
    const config = emulatorClientConfig(emulator.endpoint, REGION);
    const repos = await new ECRClient(config).send(new DescribeRepositoriesCommand({}));
    expect((repos.repositories ?? []).map((r) => r.repositoryName)).not.toContain("kit/go-app");
    await expect(
      new IAMClient(config).send(new GetRoleCommand({ RoleName: "kit-local-ci-deploy" })),
    ).rejects.toThrow(/not found|cannot be found|NoSuchEntity/);
    await expect(
      new DynamoDBClient(config).send(new DescribeTableCommand({ TableName: "kit-local-data-api-items" })),
    ).rejects.toThrow(/not found|ResourceNotFound/);
    const buckets = await new S3Client({ ...config, forcePathStyle: true }).send(new ListBucketsCommand({}));
    expect((buckets.Buckets ?? []).map((b) => b.Name)).not.toContain("kit-local-pmp-notices");
  });
});
