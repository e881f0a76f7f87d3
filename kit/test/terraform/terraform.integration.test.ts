/**
 * The Terraform suite: fmt, init (providers from kit's offline mirror), validate and `terraform test`
 * (plan assertions with a mocked AWS provider) for every module and environment, and checkov with
 * no unexplained finding. Needs no AWS account and no provider registry.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/exec/index.ts";
import {
  describeFailures,
  ENVIRONMENTS,
  MODULES,
  runCheckov,
  TERRAFORM_DIR,
  terraformBinary,
  terraformEnv,
} from "./tools.ts";

let terraform: string;
let env: Record<string, string>;
let dataRoot: string;
const log = (line: string): void => {
  if (process.env.KIT_TEST_VERBOSE) console.log(line);
};

beforeAll(async () => {
  terraform = await terraformBinary(log);
  env = await terraformEnv(log);
  dataRoot = await mkdtemp(join(tmpdir(), "kit-tf-"));
}, 90 * 60_000);

afterAll(async () => {
  if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
});

/** tf runs terraform in dir with its own data directory, so runs never share .terraform state. */
async function tf(dir: string, args: string[]): Promise<string> {
  const dataDir = join(dataRoot, dir.replaceAll("/", "_"));
  const { stdout, stderr } = await run(terraform, args, {
    cwd: join(TERRAFORM_DIR, dir),
    env: { ...env, TF_DATA_DIR: dataDir },
    timeoutMs: 20 * 60_000,
    onLine: log,
  });
  return `${stdout}${stderr}`;
}

describe("terraform fmt", () => {
  it("leaves every file unchanged", async () => {
    await run(terraform, ["fmt", "-check", "-recursive", "-diff", "."], { cwd: TERRAFORM_DIR, env });
  });
});

describe.each(MODULES)("module %s", (name) => {
  const dir = `modules/${name}`;

  it("initialises from the offline mirror and validates", async () => {
    await tf(dir, ["init", "-backend=false", "-no-color"]);
    // A module that takes an aliased provider from its caller (configuration_aliases) cannot be
    // validated alone ("Provider configuration not present"); its terraform test gives it the
    // aliased provider, and the environments that compose it are validated whole.
    const versions = await readFile(join(TERRAFORM_DIR, dir, "versions.tf"), "utf8").catch(() => "");
    if (/configuration_aliases/.test(versions)) return;
    expect(await tf(dir, ["validate", "-no-color"])).toContain("The configuration is valid");
  });

  it("passes its terraform test plan assertions", async () => {
    const output = await tf(dir, ["test", "-no-color"]);
    expect(output).toMatch(/Success! \d+ passed, 0 failed/);
  });
});

describe("module eks ordering", () => {
  it("creates the vpc-cni add-on (with its IRSA role) before the node groups, so nodes join on the first apply", async () => {
    await tf("modules/eks", ["init", "-backend=false", "-no-color"]);
    const graph = await tf("modules/eks", ["graph"]);
    expect(graph).toContain('"aws_eks_node_group.this" -> "aws_eks_addon.before_compute"');
    expect(graph).toContain('"aws_eks_addon.before_compute" -> "aws_iam_role_policy_attachment.vpc_cni"');
    expect(graph).toContain('"aws_eks_addon.this" -> "aws_eks_node_group.this"');
  });
});

describe.each(ENVIRONMENTS)("environment %s", (name) => {
  it("initialises without a backend and validates", async () => {
    const dir = `environments/${name}`;
    await tf(dir, ["init", "-backend=false", "-no-color"]);
    expect(await tf(dir, ["validate", "-no-color"])).toContain("The configuration is valid");
  });
});

describe.each(["dev", "prod"])("environment %s as a whole", (name) => {
  it("passes its terraform test plan assertions with its own tfvars (names, CI limits, access, alarms)", async () => {
    const dir = `environments/${name}`;
    await tf(dir, ["init", "-backend=false", "-no-color"]);
    expect(await tf(dir, ["test", "-no-color"])).toMatch(/Success! \d+ passed, 0 failed/);
  });
});

describe("environment testapp (seed 002) as a whole", () => {
  it("passes its terraform test plan assertions (tags, the region/environment pairs allowed)", async () => {
    await tf("environments/testapp", ["init", "-backend=false", "-no-color"]);
    expect(await tf("environments/testapp", ["test", "-no-color"])).toMatch(/Success! \d+ passed, 0 failed/);
  });
});

describe("environments", () => {
  it("dev and prod compose the same modules the same way (only tfvars and backend differ)", async () => {
    for (const file of [
      "main.tf",
      "data_api.tf",
      "pmp_api.tf",
      "backup.tf",
      "db_access.tf",
      "uptime.tf",
      "canary.tf",
      "variables.tf",
      "outputs.tf",
      "tests/environment.tftest.hcl",
    ]) {
      const dev = await readFile(join(TERRAFORM_DIR, "environments/dev", file), "utf8");
      const prod = await readFile(join(TERRAFORM_DIR, "environments/prod", file), "utf8");
      expect(prod, file).toBe(dev);
    }
  });

  it("store state in S3 with locking and tag every resource with Environment and Project", async () => {
    for (const name of ["dev", "prod"]) {
      const versions = await readFile(join(TERRAFORM_DIR, "environments", name, "versions.tf"), "utf8");
      expect(versions).toMatch(/backend "s3"/);
      expect(versions).toMatch(/use_lockfile\s*=\s*true/);
      expect(versions).toMatch(/encrypt\s*=\s*true/);
      expect(versions).toMatch(new RegExp(`key\\s*=\\s*"${name}/terraform.tfstate"`));
      expect(versions).toMatch(/Environment\s*=\s*var\.environment/);
      expect(versions).toMatch(/Project\s*=\s*var\.project/);
    }
  });
});

describe("checkov", () => {
  it("finds nothing that is not skipped with a reason", async () => {
    const summary = await runCheckov(["--config-file", ".checkov.yaml", "-d", "."], TERRAFORM_DIR);
    expect(summary.failures, describeFailures(summary.failures)).toEqual([]);
    expect(summary.passed).toBeGreaterThan(100);
  });

  it("has a reason on every inline skip", async () => {
    const files = (await readdir(TERRAFORM_DIR, { recursive: true })).filter(
      (f) => f.endsWith(".tf") && !f.includes(".terraform/"),
    );
    let skips = 0;
    for (const file of files) {
      for (const line of (await readFile(join(TERRAFORM_DIR, file), "utf8")).split("\n")) {
        if (!line.includes("checkov:skip")) continue;
        skips++;
        expect(line, `${file}: ${line}`).toMatch(/#checkov:skip=CKV[A-Z0-9_]+:\S.{20,}/);
      }
    }
    expect(skips).toBeGreaterThan(0);
  });
});
