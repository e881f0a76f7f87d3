/**
 * Seed 002's test-app (terraform/environments/testapp) applied to the AWS emulator in all four
 * region/environment stacks, as its pipeline applies them, each with its own stacks/*.tfvars and
 * state, inside kit's Terraform sandbox; then destroyed. The account's existing parts the root looks
 * up (a VPC named main-<region> with public and private subnets, an ISSUED certificate) are made
 * first, with the emulator's own CLI. Checked: every taggable resource of a stack carries
 * Environment and ProjectId=1234, the instances are 3 and tagged, the user data has no credential.
 * Then the pipeline's own steps against them: its drift check (scripts/drift-check.sh, in the
 * sandbox) finds no drift right after the apply and finds it after a change made behind
 * Terraform's back; its SSM step (scripts/autoupdate.sh) sends the stack's document to exactly
 * the stack's instances and collects each result; the on-demand Lambda is there, aimed the same way.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/exec/index.ts";
import type { RunningAwsEmulator } from "../../src/providers/aws/index.ts";
import { requireDocker } from "../../src/tools/docker.ts";
import { MOUNT } from "../../src/tools/terraform/layout.ts";
import {
  removeTerraformSandboxes,
  type SandboxedTerraform,
  sandboxedTerraform,
} from "../../src/tools/terraform/terraform.ts";
import { emulatorCli, startTestMoto } from "../support/emulator-cli.ts";
import { TERRAFORM_DIR } from "./tools.ts";

const PROJECT = `kit-testapp-${process.pid}`;
const SCRIPTS = join(TERRAFORM_DIR, "environments", "testapp", "scripts");
// What the apply and the drift check both pass: a throwaway copy may be destroyed, and the Lambda's
// package sits in each stack's data folder (built on the host, read in the sandbox).
const STACK_VARS = {
  deletion_protection: "false",
  autoupdate_lambda_zip: `${MOUNT.data}/autoupdate-lambda.zip`,
};
const STACKS = [
  { name: "prod-us-east-1", region: "us-east-1", environment: "prod" },
  { name: "prod-us-west-2", region: "us-west-2", environment: "prod" },
  { name: "prod-eu-west-1", region: "eu-west-1", environment: "prod" },
  { name: "uat-us-east-1", region: "us-east-1", environment: "uat" },
] as const;
const log = (line: string): void => {
  if (process.env.KIT_TEST_VERBOSE) console.log(line);
};

let emulator: RunningAwsEmulator;
let work: string;
const sandboxes = new Map<string, SandboxedTerraform>();

/** aws runs the AWS CLI in this file's emulator (kit/test/support/emulator-cli.ts). */
const aws = (region: string, args: string[]): Promise<unknown> => emulatorCli(emulator, region, args);

// What the account already has in each region: the VPC and its tiers, the HTTPS certificates.
const ACCOUNT_PARTS = `
set -e
i=0
vpc=$(awslocal ec2 create-vpc --region "$1" --cidr-block 10.20.0.0/16 \\
  --tag-specifications "ResourceType=vpc,Tags=[{Key=Name,Value=main-$1}]" --query Vpc.VpcId --output text)
for tier in public private; do for az in a b; do
  awslocal ec2 create-subnet --region "$1" --vpc-id "$vpc" --cidr-block "10.20.$i.0/24" --availability-zone "$1$az" \\
    --tag-specifications "ResourceType=subnet,Tags=[{Key=Tier,Value=$tier}]" > /dev/null
  i=$((i+1))
done; done
for domain in testapp.example.com uat.testapp.example.com; do
  openssl req -x509 -newkey rsa:2048 -nodes -keyout /tmp/$domain.key -out /tmp/$domain.crt -days 30 -subj "/CN=$domain" 2>/dev/null
  awslocal acm import-certificate --region "$1" --certificate "fileb:///tmp/$domain.crt" --private-key "fileb:///tmp/$domain.key" > /dev/null
done
`;

beforeAll(async () => {
  await requireDocker();
  emulator = await startTestMoto({ project: PROJECT, onLine: log });
  work = await mkdtemp(join(tmpdir(), "kit-testapp-"));
  for (const region of ["us-east-1", "us-west-2", "eu-west-1"])
    await run("docker", ["exec", emulator.containerName, "sh", "-c", ACCOUNT_PARTS, "account-parts", region]);
  for (const stack of STACKS) {
    await run(join(SCRIPTS, "build-lambda.sh"), [join(work, stack.name, "data", "autoupdate-lambda.zip")]);
    const terraform = await sandboxedTerraform({
      project: PROJECT,
      configRoot: TERRAFORM_DIR,
      moduleDir: "environments/testapp",
      emulator,
      stateFile: join(work, stack.name, "terraform.tfstate"),
      dataDir: join(work, stack.name, "data"),
      varFiles: [`stacks/${stack.name}.tfvars`],
      // Prod's load balancer and database refuse deletion; this copy must be destroyed after.
      vars: STACK_VARS,
      localBackend: true,
      onLine: log,
    });
    sandboxes.set(stack.name, terraform);
  }
  // One after another: moto's server does not take concurrent changes from four applies reliably
  // (a parallel run hung on a request that never got an answer).
  for (const terraform of sandboxes.values()) {
    await terraform.init();
    await terraform.apply();
  }
}, 90 * 60_000);

afterAll(async () => {
  for (const terraform of sandboxes.values()) await terraform.close();
  await removeTerraformSandboxes(PROJECT);
  await emulator?.remove();
  if (work) await rm(work, { recursive: true, force: true });
}, 10 * 60_000);

describe.each(STACKS)(
  "environments/testapp, stack $name, on the emulator",
  ({ name, region, environment }) => {
    it("applied: 3 tagged instances behind the load balancer, the user data without the credential", async () => {
      const outputs = await (sandboxes.get(name) as SandboxedTerraform).output();
      const group = (await aws(region, [
        "autoscaling",
        "describe-auto-scaling-groups",
        "--auto-scaling-group-names",
        String(outputs.autoscaling_group_name),
      ])) as {
        AutoScalingGroups: { MinSize: number; MaxSize: number; Instances: { InstanceId: string }[] }[];
      };
      const asg = group.AutoScalingGroups[0];
      expect(asg?.MinSize).toBe(3);
      expect(asg?.MaxSize).toBe(6);
      expect(asg?.Instances).toHaveLength(3);

      const instances = (await aws(region, [
        "ec2",
        "describe-instances",
        "--filters",
        `Name=tag:Environment,Values=${environment}`,
        "Name=tag:ProjectId,Values=1234",
        "Name=tag:App,Values=testapp",
        "Name=instance-state-name,Values=running",
      ])) as {
        Reservations: { Instances: { InstanceId: string; MetadataOptions?: { HttpTokens: string } }[] }[];
      };
      const ids = instances.Reservations.flatMap((r) => r.Instances.map((i) => i.InstanceId)).sort();
      expect(ids).toEqual(asg?.Instances.map((i) => i.InstanceId).sort());

      const versions = (await aws(region, ["ec2", "describe-launch-templates"])) as {
        LaunchTemplates: { LaunchTemplateId: string; LaunchTemplateName: string }[];
      };
      const template = versions.LaunchTemplates.find((t) =>
        t.LaunchTemplateName.startsWith(`testapp-${environment}-`),
      );
      const data = (await aws(region, [
        "ec2",
        "describe-launch-template-versions",
        "--launch-template-id",
        String(template?.LaunchTemplateId),
      ])) as { LaunchTemplateVersions: { LaunchTemplateData: { UserData: string } }[] };
      const userData = Buffer.from(
        data.LaunchTemplateVersions[0]?.LaunchTemplateData.UserData ?? "",
        "base64",
      ).toString();
      expect(userData).toContain(`/testapp/${environment}/autoupdater-credential`);
      expect(userData).toContain("/usr/local/bin/testapp-autoupdater");
      expect(userData).not.toContain("tUkArsHqQX4A7Hk7");
    });

    it("tags every taggable resource it made with Environment and ProjectId=1234", async () => {
      const found = (await aws(region, ["resourcegroupstaggingapi", "get-resources"])) as {
        ResourceTagMappingList: { ResourceARN: string; Tags: { Key: string; Value: string }[] }[];
      };
      const ours = found.ResourceTagMappingList.filter((r) =>
        r.Tags.some((t) => t.Key === "ManagedBy" && t.Value === "terraform"),
      );
      // The load balancer, target group, security groups, key, parameter, instances, volumes at least.
      expect(ours.length).toBeGreaterThan(5);
      const stackTags = ours.filter((r) =>
        r.Tags.some((t) => t.Key === "Environment" && t.Value === environment),
      );
      for (const resource of stackTags) {
        const tags = Object.fromEntries(resource.Tags.map((t) => [t.Key, t.Value]));
        expect(tags, resource.ResourceARN).toMatchObject({ Environment: environment, ProjectId: "1234" });
      }
      const untagged = ours.filter((r) => !r.Tags.some((t) => t.Key === "ProjectId" && t.Value === "1234"));
      expect(untagged.map((r) => r.ResourceARN)).toEqual([]);
    });
  },
);

/** driftCheck runs the pipeline's drift check for a stack inside its sandbox (already initialised). */
function driftCheck(name: string, environment: string, region: string) {
  return (sandboxes.get(name) as SandboxedTerraform).runScript(
    "scripts/drift-check.sh",
    [environment, region],
    {
      TESTAPP_SKIP_INIT: "1",
      ...Object.fromEntries(Object.entries(STACK_VARS).map(([k, v]) => [`TF_VAR_${k}`, v])),
    },
  );
}

describe("the testapp pipeline's steps against the applied stacks", () => {
  it("drift check: every stack is up to date right after its apply", async () => {
    for (const { name, environment, region } of STACKS) {
      const result = await driftCheck(name, environment, region);
      expect(result.exitCode, `${name}:\n${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stdout).toContain(`drift-check: ${name} is up to date`);
    }
  });

  it("drift check: a change made behind Terraform's back is drift (exit 3), named in the plan", async () => {
    const outputs = await (sandboxes.get("prod-us-west-2") as SandboxedTerraform).output();
    await aws("us-west-2", [
      "autoscaling",
      "update-auto-scaling-group",
      "--auto-scaling-group-name",
      String(outputs.autoscaling_group_name),
      "--max-size",
      "9",
    ]);
    const result = await driftCheck("prod-us-west-2", "prod", "us-west-2");
    expect(result.exitCode, result.stdout + result.stderr).toBe(3);
    expect(result.stdout).toMatch(/module\.stack\.aws_autoscaling_group\.this will be updated in-place/);
    expect(result.stdout).toMatch(/max_size\s+= 9 -> 6/);
    expect(result.stderr).toContain("drift-check: prod-us-west-2 has drifted from the repository");
    // The other stacks, in their own states, are untouched by it.
    expect((await driftCheck("prod-eu-west-1", "prod", "eu-west-1")).exitCode).toBe(0);
  });

  it("SSM step: the stack's document goes to exactly the stack's instances, each result collected", async () => {
    const { name, environment, region } = STACKS[3];
    const outputs = await (sandboxes.get(name) as SandboxedTerraform).output();
    const group = (await aws(region, [
      "autoscaling",
      "describe-auto-scaling-groups",
      "--auto-scaling-group-names",
      String(outputs.autoscaling_group_name),
    ])) as { AutoScalingGroups: { Instances: { InstanceId: string }[] }[] };
    const members = (group.AutoScalingGroups[0]?.Instances ?? []).map((i) => i.InstanceId).sort();
    expect(members).toHaveLength(3);

    const report = join(work, "autoupdate-report.json");
    const result = await run(join(SCRIPTS, "autoupdate.sh"), [environment, region, report], {
      allowFailure: true,
      timeoutMs: 10 * 60_000,
      env: {
        ...process.env,
        TESTAPP_VENV: join(work, "venv"),
        AWS_ENDPOINT_URL: emulator.endpoint,
        AWS_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: emulator.credentials.secretAccessKey,
      },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const parsed = JSON.parse(await readFile(report, "utf8")) as {
      ok: boolean;
      document: string;
      instances: { instance_id: string; status: string }[];
    };
    // us-east-1 also holds prod's instances: only uat's three are sent the document.
    expect(parsed.document).toBe(outputs.autoupdate_document);
    expect(parsed.instances.map((i) => i.instance_id)).toEqual(members);
    expect(parsed.instances.every((i) => i.status === "Success")).toBe(true);
    expect(result.stdout).toContain("3 of 3 instances updated");
  });

  it("the on-demand Lambda targets its own stack's tags with its own document", async () => {
    for (const { name, environment, region } of STACKS) {
      const outputs = await (sandboxes.get(name) as SandboxedTerraform).output();
      const config = (await aws(region, [
        "lambda",
        "get-function-configuration",
        "--function-name",
        String(outputs.autoupdate_function_name),
      ])) as { Runtime: string; Handler: string; Environment: { Variables: Record<string, string> } };
      expect(config.Handler).toBe("testapp_autoupdate.handler.handler");
      expect(JSON.parse(config.Environment.Variables.TARGET_TAGS ?? "{}")).toEqual({
        Environment: environment,
        ProjectId: "1234",
        App: "testapp",
      });
      expect(config.Environment.Variables.DOCUMENT_NAME).toBe(outputs.autoupdate_document);
    }
  });
});

describe("environments/testapp on the emulator, torn down", () => {
  it("destroys every stack, leaving no autoscaling group or load balancer", async () => {
    for (const terraform of sandboxes.values()) await terraform.destroy();
    for (const region of ["us-east-1", "us-west-2", "eu-west-1"]) {
      const groups = (await aws(region, ["autoscaling", "describe-auto-scaling-groups"])) as {
        AutoScalingGroups: unknown[];
      };
      expect(groups.AutoScalingGroups).toEqual([]);
      const lbs = (await aws(region, ["elbv2", "describe-load-balancers"])) as { LoadBalancers: unknown[] };
      expect(lbs.LoadBalancers).toEqual([]);
    }
  });
});
