/**
 * The parts of issue 21's Terraform the emulator can hold, applied to it for real inside kit's
 * Terraform sandbox (the rest, AWS Backup's selections, vault locks and copy actions and the
 * Synthetics canary, is checked with mocks only: docs/aws-resources.md says which and why):
 * - module uptime-checks: Route 53 HTTPS checks of the public names from three regions;
 * - module dns-failover, both sides of a pair at one public name (the serving region PRIMARY, the
 *   disaster-recovery copy SECONDARY), each decided by a check of its own region's endpoint;
 * - module db-access: the SSM port-forwarding host, no inbound port, no key, no public address.
 * A small root composes them with the account's parts (a hosted zone, a VPC, a database's security
 * group); a plan right after the apply must be empty (the drift check means something), then all
 * is destroyed.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAwsEmulator } from "../../src/providers/aws/index.ts";
import { requireDocker } from "../../src/tools/docker.ts";
import {
  removeTerraformSandboxes,
  type SandboxedTerraform,
  sandboxedTerraform,
} from "../../src/tools/terraform/terraform.ts";
import { emulatorCli, startTestMoto } from "../support/emulator-cli.ts";
import { TERRAFORM_DIR } from "./tools.ts";

const PROJECT = `kit-resilience-${process.pid}`;
const REGION = "eu-west-1";
const DOMAIN = "kit.example.com";
const log = (line: string): void => {
  if (process.env.KIT_TEST_VERBOSE) console.log(line);
};

// The account's parts an environment finds already there, then the modules as dev and prod compose
// them. The two failover sides stand for two regions' endpoints (their load balancers' names).
const ROOT = `
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region = "${REGION}"
}

resource "aws_route53_zone" "public" {
  name = "${DOMAIN}"
}

resource "aws_vpc" "this" {
  cidr_block = "10.30.0.0/16"
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.this.id
  cidr_block        = "10.30.1.0/24"
  availability_zone = "${REGION}a"
}

resource "aws_security_group" "database" {
  name        = "kit-test-orders-db"
  description = "The orders database"
  vpc_id      = aws_vpc.this.id
}

module "uptime_checks" {
  source = "../modules/uptime-checks"
  name   = "kit-test"
  checks = {
    data-api = { fqdn = "data-api.${DOMAIN}" }
    pmp      = { fqdn = "pmp.${DOMAIN}" }
  }
}

module "primary" {
  source      = "../modules/dns-failover"
  name        = "kit-test-data-api"
  role        = "PRIMARY"
  zone_id     = aws_route53_zone.public.zone_id
  record_name = "data-api.${DOMAIN}"
  target      = { dns_name = "kit-test-data-api-1.eu-west-1.elb.amazonaws.com", zone_id = "Z32O12XQLNTSW2" }
}

module "secondary" {
  source      = "../modules/dns-failover"
  name        = "kit-test-data-api"
  role        = "SECONDARY"
  zone_id     = aws_route53_zone.public.zone_id
  record_name = "data-api.${DOMAIN}"
  target      = { dns_name = "kit-test-data-api-2.eu-central-1.elb.amazonaws.com", zone_id = "Z215JYRZR1TBD5" }
}

module "db_access" {
  source    = "../modules/db-access"
  name      = "kit-test-db-access"
  vpc_id    = aws_vpc.this.id
  subnet_id = aws_subnet.private.id
  targets   = { orders = { security_group_id = aws_security_group.database.id, port = 27017 } }
}

output "zone_id" {
  value = aws_route53_zone.public.zone_id
}

output "health_check_ids" {
  value = { primary = module.primary.health_check_id, secondary = module.secondary.health_check_id, uptime = module.uptime_checks.health_check_ids }
}

output "db_access" {
  value = { instance_id = module.db_access.instance_id, security_group_id = module.db_access.security_group_id, policy_arn = module.db_access.session_policy_arn }
}
`;

let emulator: RunningAwsEmulator;
let work: string;
let terraform: SandboxedTerraform;
let outputs: Record<string, unknown>;

/** aws runs the AWS CLI in this file's emulator (kit/test/support/emulator-cli.ts). */
const aws = (args: string[]): Promise<unknown> => emulatorCli(emulator, REGION, args);

beforeAll(async () => {
  await requireDocker();
  emulator = await startTestMoto({ project: PROJECT, region: REGION, onLine: log });
  work = await mkdtemp(join(tmpdir(), "kit-resilience-"));
  // A configuration folder of its own: the modules as they are in the repository, and the root.
  const config = join(work, "config");
  for (const name of ["uptime-checks", "dns-failover", "db-access"])
    await cp(join(TERRAFORM_DIR, "modules", name), join(config, "modules", name), {
      recursive: true,
      filter: (source) => !source.includes("/tests") && !source.includes(".terraform"),
    });
  await mkdir(join(config, "root"), { recursive: true });
  await writeFile(join(config, "root", "main.tf"), ROOT);
  terraform = await sandboxedTerraform({
    project: PROJECT,
    configRoot: config,
    moduleDir: "root",
    emulator,
    stateFile: join(work, "state", "terraform.tfstate"),
    dataDir: join(work, "data"),
    onLine: log,
  });
  await terraform.init();
  await terraform.apply();
  outputs = await terraform.output();
}, 20 * 60_000);

afterAll(async () => {
  if (terraform) {
    await terraform.destroy();
    await terraform.close();
  }
  await removeTerraformSandboxes(PROJECT);
  await emulator?.remove();
  if (work) await rm(work, { recursive: true, force: true });
}, 10 * 60_000);

describe("issue 21's Route 53 and SSM parts, applied to the emulator", () => {
  it("one public name, two failover records, each decided by a check of its own region's endpoint", async () => {
    const ids = outputs.health_check_ids as { primary: string; secondary: string };
    const sets = (await aws([
      "route53",
      "list-resource-record-sets",
      "--hosted-zone-id",
      String(outputs.zone_id),
    ])) as {
      ResourceRecordSets: {
        Name: string;
        Type: string;
        Failover?: string;
        SetIdentifier?: string;
        HealthCheckId?: string;
        AliasTarget?: { DNSName: string; EvaluateTargetHealth: boolean };
      }[];
    };
    const pair = sets.ResourceRecordSets.filter((r) => r.Name.startsWith(`data-api.${DOMAIN}`))
      .map((r) => [
        r.Type,
        r.Failover,
        r.SetIdentifier,
        r.HealthCheckId,
        r.AliasTarget?.DNSName.replace(/\.$/, ""),
      ])
      .sort();
    expect(pair).toEqual([
      [
        "A",
        "PRIMARY",
        "kit-test-data-api-primary",
        ids.primary,
        "kit-test-data-api-1.eu-west-1.elb.amazonaws.com",
      ],
      [
        "A",
        "SECONDARY",
        "kit-test-data-api-secondary",
        ids.secondary,
        "kit-test-data-api-2.eu-central-1.elb.amazonaws.com",
      ],
    ]);

    const primary = (await aws(["route53", "get-health-check", "--health-check-id", ids.primary])) as {
      HealthCheck: {
        HealthCheckConfig: { FullyQualifiedDomainName: string; Type: string; ResourcePath: string };
      };
    };
    // The region's own endpoint, never the public name the failover moves.
    expect(primary.HealthCheck.HealthCheckConfig).toMatchObject({
      FullyQualifiedDomainName: "kit-test-data-api-1.eu-west-1.elb.amazonaws.com",
      Type: "HTTPS",
      ResourcePath: "/readyz",
    });
  });

  it("every public name is checked over HTTPS from three regions", async () => {
    const uptime = (outputs.health_check_ids as { uptime: Record<string, string> }).uptime;
    expect(Object.keys(uptime).sort()).toEqual(["data-api", "pmp"]);
    for (const [app, id] of Object.entries(uptime)) {
      const check = (await aws(["route53", "get-health-check", "--health-check-id", id])) as {
        HealthCheck: {
          HealthCheckConfig: { FullyQualifiedDomainName: string; Type: string; Regions?: string[] };
        };
      };
      expect(check.HealthCheck.HealthCheckConfig.FullyQualifiedDomainName).toBe(`${app}.${DOMAIN}`);
      expect(check.HealthCheck.HealthCheckConfig.Type).toBe("HTTPS");
      expect(check.HealthCheck.HealthCheckConfig.Regions).toHaveLength(3);
    }
  });

  it("the database access host: no inbound port, no key pair, no public address, SSM's role", async () => {
    const access = outputs.db_access as {
      instance_id: string;
      security_group_id: string;
      policy_arn: string;
    };
    const found = (await aws(["ec2", "describe-instances", "--instance-ids", access.instance_id])) as {
      Reservations: {
        Instances: {
          KeyName?: string;
          PublicIpAddress?: string;
          IamInstanceProfile?: { Arn: string };
          MetadataOptions?: { HttpTokens: string };
        }[];
      }[];
    };
    const host = found.Reservations[0]?.Instances[0];
    expect(host?.KeyName).toBeUndefined();
    expect(host?.PublicIpAddress).toBeUndefined();
    expect(host?.MetadataOptions?.HttpTokens).toBe("required");
    const profileName = String(host?.IamInstanceProfile?.Arn).split("/").pop();
    const profile = (await aws([
      "iam",
      "get-instance-profile",
      "--instance-profile-name",
      String(profileName),
    ])) as {
      InstanceProfile: { Roles: { RoleName: string }[] };
    };
    const role = String(profile.InstanceProfile.Roles[0]?.RoleName);
    const attached = (await aws(["iam", "list-attached-role-policies", "--role-name", role])) as {
      AttachedPolicies: { PolicyName: string }[];
    };
    expect(attached.AttachedPolicies.map((p) => p.PolicyName)).toContain("AmazonSSMManagedInstanceCore");

    const groups = (await aws([
      "ec2",
      "describe-security-group-rules",
      "--filters",
      `Name=group-id,Values=${access.security_group_id}`,
    ])) as {
      SecurityGroupRules: {
        IsEgress: boolean;
        FromPort: number;
        ReferencedGroupInfo?: { GroupId: string };
      }[];
    };
    expect(groups.SecurityGroupRules.filter((r) => !r.IsEgress)).toEqual([]);
    expect(
      groups.SecurityGroupRules.filter((r) => r.IsEgress)
        .map((r) => r.FromPort)
        .sort(),
    ).toEqual([27017, 443]);
  });

  it("a plan right after the apply changes nothing", async () => {
    const plan = await terraform.showPlan(await terraform.plan());
    const changes = (plan.resource_changes ?? []).filter(
      (c) => !(c.change.actions.length === 1 && ["no-op", "read"].includes(c.change.actions[0] as string)),
    );
    // Each change with the attributes it would change, so a failure names them.
    const described = changes.map((c) => {
      const { before, after } = c.change as unknown as {
        before?: Record<string, unknown>;
        after?: Record<string, unknown>;
      };
      const changed = Object.keys({ ...before, ...after })
        .filter((k) => after && k in after && JSON.stringify(before?.[k]) !== JSON.stringify(after[k]))
        .map((k) => `${k}: ${JSON.stringify(before?.[k])} -> ${JSON.stringify(after?.[k])}`);
      return `${c.address}: ${c.change.actions.join(",")} (${changed.join("; ")})`;
    });
    expect(described).toEqual([]);
  });
});
