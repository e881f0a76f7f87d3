import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateRoleCommand, GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AWS_EMULATORS, emulatorClientConfig, type RunningAwsEmulator, removeAwsEmulators } from "./index.ts";

// Each emulator is started the way `kit up` starts it where no registry answers (images built from
// PyPI on kit's Debian base), then exercised with the AWS SDK for JavaScript v3.
describe.each(["moto", "localstack"] as const)("%s emulator", (name) => {
  const project = `test-${name}-${process.pid}`;
  let initDir: string;
  let emulator: RunningAwsEmulator;

  beforeAll(async () => {
    initDir = await mkdtemp(join(tmpdir(), "kit-init-"));
    await mkdir(join(initDir, "ready.d"));
    await writeFile(join(initDir, "ready.d", "10-bucket.sh"), "set -e\nawslocal s3 mb s3://made-by-hook\n");
    await writeFile(
      join(initDir, "ready.d", "20-param.sh"),
      "set -e\nawslocal ssm put-parameter --name /hook/order --value second --type String\n",
    );
    emulator = await AWS_EMULATORS[name].start({ project, initDir, imageSource: "build" });
  });
  afterAll(async () => {
    await removeAwsEmulators(project);
    await rm(initDir, { recursive: true, force: true });
  });

  const config = () => emulatorClientConfig(emulator.endpoint, emulator.region);

  it("is ready only after each needed service answered, then ran the init hooks in order", async () => {
    expect(emulator.readyServices).toEqual(expect.arrayContaining(["s3", "iam", "sts", "ssm"]));
    expect(emulator.hooksRun).toEqual(["10-bucket.sh", "20-param.sh"]);
    await new S3Client(config()).send(new HeadBucketCommand({ Bucket: "made-by-hook" }));
    const param = await new SSMClient(config()).send(new GetParameterCommand({ Name: "/hook/order" }));
    expect(param.Parameter?.Value).toBe("second");
  });

  it("reuses the running container without running the hooks again", async () => {
    const again = await AWS_EMULATORS[name].start({ project, initDir, imageSource: "build" });
    expect(again.reused).toBe(true);
    expect(again.containerId).toBe(emulator.containerId);
    expect(again.hooksRun).toEqual([]);
  });

  it("serves S3", async () => {
    const s3 = new S3Client(config());
    await s3.send(new CreateBucketCommand({ Bucket: "orders-artifacts" }));
    await s3.send(new PutObjectCommand({ Bucket: "orders-artifacts", Key: "a.txt", Body: "hello" }));
    const got = await s3.send(new GetObjectCommand({ Bucket: "orders-artifacts", Key: "a.txt" }));
    expect(await got.Body?.transformToString()).toBe("hello");
  });

  it("serves IAM and STS", async () => {
    const iam = new IAMClient(config());
    const assume = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    await iam.send(new CreateRoleCommand({ RoleName: "orders-app", AssumeRolePolicyDocument: assume }));
    const role = await iam.send(new GetRoleCommand({ RoleName: "orders-app" }));
    expect(role.Role?.Arn).toMatch(/^arn:aws:iam::\d{12}:role\/orders-app$/);
    const who = await new STSClient(config()).send(new GetCallerIdentityCommand({}));
    expect(who.Account).toMatch(/^\d{12}$/);
  });

  it("serves SSM", async () => {
    const ssm = new SSMClient(config());
    await ssm.send(new PutParameterCommand({ Name: "/orders/db-name", Value: "orders", Type: "String" }));
    const got = await ssm.send(new GetParameterCommand({ Name: "/orders/db-name" }));
    expect(got.Parameter?.Value).toBe("orders");
  });

  if (name === "localstack") {
    it("leaves DynamoDB out of readiness in the built image (DynamoDB Local is a runtime download)", () => {
      expect(emulator.readyServices).not.toContain("dynamodb");
    });
    return;
  }

  it("serves DynamoDB", async () => {
    const ddb = new DynamoDBClient(config());
    await ddb.send(
      new CreateTableCommand({
        TableName: "orders",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      }),
    );
    await ddb.send(new PutItemCommand({ TableName: "orders", Item: { id: { S: "o-1" }, qty: { N: "3" } } }));
    const got = await ddb.send(new GetItemCommand({ TableName: "orders", Key: { id: { S: "o-1" } } }));
    expect(got.Item?.qty?.N).toBe("3");
  });
});
