/**
 * trivy config (built by kit from the Go module proxy at the version in kit/versions.json, with the
 * Go toolchain its go.mod needs) over every module and environment, with its embedded AWS checks
 * and nothing fetched. Each environment is scanned with its own terraform.tfvars, as it is applied,
 * so what differs between dev and prod (deletion protection, retention) is judged per environment.
 * It must find nothing: a finding accepted for a whole module is a `#trivy:ignore:` comment beside
 * the resource with the reason on the line above it; one accepted for one environment only is in
 * that environment's .trivyignore.yaml with its statement. A planted module proves it reports.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/exec/index.ts";
import { ensureGoTool } from "../../src/tools/catalog.ts";
import { TERRAFORM_DIR } from "./tools.ts";

let trivy: string;
let scratch: string;

beforeAll(async () => {
  trivy = await ensureGoTool("trivy");
  scratch = mkdtempSync(join(tmpdir(), "kit-trivy-"));
}, 45 * 60_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

interface Finding {
  id: string;
  severity: string;
  where: string;
  title: string;
}

/** scan runs trivy config over dir and returns its failed checks, one line each. */
async function scan(dir: string, extra: string[] = []): Promise<Finding[]> {
  const result = await run(
    trivy,
    [
      "config",
      "--skip-check-update",
      "--skip-version-check",
      "--disable-telemetry",
      "--cache-dir",
      join(scratch, "cache"),
      "--quiet",
      "--format",
      "json",
      ...extra,
      dir,
    ],
    { timeoutMs: 10 * 60_000 },
  );
  const report = JSON.parse(result.stdout) as {
    Results?: {
      Target: string;
      Misconfigurations?: {
        ID: string;
        Severity: string;
        Status: string;
        Title: string;
        CauseMetadata?: { StartLine?: number };
      }[];
    }[];
  };
  return (report.Results ?? []).flatMap((r) =>
    (r.Misconfigurations ?? [])
      .filter((m) => m.Status === "FAIL")
      .map((m) => ({
        id: m.ID,
        severity: m.Severity,
        where: `${r.Target}:${m.CauseMetadata?.StartLine ?? "?"}`,
        title: m.Title,
      })),
  );
}

const ENVIRONMENTS = readdirSync(join(TERRAFORM_DIR, "environments"), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe("trivy config over terraform/", () => {
  it(
    "finds nothing in the modules",
    async () => {
      expect(await scan(join(TERRAFORM_DIR, "modules"))).toEqual([]);
    },
    10 * 60_000,
  );

  for (const env of ENVIRONMENTS) {
    it(
      `finds nothing in environments/${env}, scanned with its own variables`,
      async () => {
        const dir = join(TERRAFORM_DIR, "environments", env);
        const extra: string[] = [];
        if (existsSync(join(dir, "terraform.tfvars"))) extra.push("--tf-vars", join(dir, "terraform.tfvars"));
        if (existsSync(join(dir, ".trivyignore.yaml")))
          extra.push("--ignorefile", join(dir, ".trivyignore.yaml"));
        expect(await scan(dir, extra)).toEqual([]);
      },
      10 * 60_000,
    );
  }

  it(
    "reports SSH open to the internet and an unencrypted volume (a planted module)",
    async () => {
      const planted = join(scratch, "planted");
      mkdirSync(planted, { recursive: true });
      writeFileSync(
        join(planted, "main.tf"),
        [
          'resource "aws_security_group" "open" {',
          '  name        = "open"',
          '  description = "planted by kit\'s trivy test"',
          "  ingress {",
          '    description = "ssh from anywhere"',
          "    from_port   = 22",
          "    to_port     = 22",
          '    protocol    = "tcp"',
          '    cidr_blocks = ["0.0.0.0/0"]',
          "  }",
          "}",
          "",
          'resource "aws_ebs_volume" "plain" {',
          '  availability_zone = "eu-west-1a"',
          "  size              = 10",
          "}",
          "",
        ].join("\n"),
      );
      const ids = (await scan(planted)).map((f) => f.id);
      expect(ids).toContain("AWS-0107"); // ingress from any address
      expect(ids).toContain("AWS-0026"); // EBS volume not encrypted
    },
    10 * 60_000,
  );
});
