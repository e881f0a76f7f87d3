/**
 * Seed 002's Jenkinsfile (terraform/environments/testapp/Jenkinsfile), checked without a Jenkins:
 * Groovy's parser and the declarative grammar (kit/test/support/jenkinsfile), then its shape: UAT
 * first on AG-USE1, production's three regions after it each on its region's agent, every stack
 * checked for drift before its instances are touched, no credentials anywhere. Broken copies must
 * fail the same check, or it proves nothing. The scripts it calls refuse bad arguments with exit 2.
 */
import { access, constants, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/exec/index.ts";
import { checkJenkinsfile, type StageShape } from "../support/jenkinsfile/index.ts";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const STACK_ROOT = join(ROOT, "terraform", "environments", "testapp");
const JENKINSFILE = join(STACK_ROOT, "Jenkinsfile");
const AGENTS = { "us-east-1": "AG-USE1", "us-west-2": "AG-USW2", "eu-west-1": "AG-EUW1" };

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "kit-jenkinsfile-"));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function checkCopy(edit: (text: string) => string) {
  const file = join(work, `Jenkinsfile-${Math.random().toString(36).slice(2)}`);
  const original = await readFile(JENKINSFILE, "utf8");
  const changed = edit(original);
  expect(changed, "the edit must change the file").not.toBe(original);
  await writeFile(file, changed);
  return checkJenkinsfile(file);
}

const scripts = (stages: StageShape[] = []) =>
  stages.flatMap((s) => (s.steps ?? []).map((step) => `${s.name}: ${step.script ?? step.step}`));

describe("terraform/environments/testapp/Jenkinsfile", () => {
  it("is a valid declarative pipeline: UAT on AG-USE1 first, then production per region on its agent", async () => {
    const result = await checkJenkinsfile(JENKINSFILE);
    if (!result.ok) throw new Error(result.problems);
    const { shape } = result;
    expect(shape.agent).toBe("none");
    expect(shape.stages.map((s) => s.name)).toEqual(["UAT us-east-1", "Production"]);

    const [uat, production] = shape.stages as [StageShape, StageShape];
    expect(uat.agent).toBe("label AG-USE1");
    expect(uat.environment).toEqual({ STACK_ENVIRONMENT: "uat", STACK_REGION: "us-east-1" });
    const matrix = production.matrix;
    expect(matrix?.axes).toEqual({ STACK_REGION: Object.keys(AGENTS) });
    expect(matrix?.environment).toEqual({ STACK_ENVIRONMENT: "prod" });
    // The label expression maps each region to its agent.
    for (const [region, agent] of Object.entries(AGENTS))
      expect(matrix?.agent).toMatch(new RegExp(`${region}\\)?\\)? \\? ${agent}|: ${agent}`));

    // Each stack: the drift check, then the autoupdater; nothing else runs.
    const expected = [
      'Drift check: terraform/environments/testapp/scripts/drift-check.sh "$STACK_ENVIRONMENT" "$STACK_REGION"',
      'Autoupdate: terraform/environments/testapp/scripts/autoupdate.sh "$STACK_ENVIRONMENT" "$STACK_REGION" "autoupdate-$STACK_ENVIRONMENT-$STACK_REGION.json"',
    ];
    expect(scripts(uat.stages)).toEqual(expected);
    expect(scripts(matrix?.stages)).toEqual(expected);
  });

  it("holds no credentials: the agents' IAM roles act", async () => {
    const text = await readFile(JENKINSFILE, "utf8");
    expect(text).not.toMatch(/withCredentials|credentials\(|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|withAWS/);
  });

  it("calls scripts that exist and are executable", async () => {
    const text = await readFile(JENKINSFILE, "utf8");
    const called = [
      ...new Set([...text.matchAll(/terraform\/environments\/testapp\/scripts\/[\w.-]+/g)].map((m) => m[0])),
    ];
    expect(called).toHaveLength(2);
    for (const script of called) await access(join(ROOT, script), constants.X_OK);
  });

  it.each([
    [
      "a stage without steps",
      (t: string) =>
        t.replace(/stage\('Drift check'\) \{\n {10}steps \{/, "stage('Drift check') {\n          nosteps {"),
      /may not contain 'nosteps'|needs exactly one of steps/,
    ],
    [
      "an unknown post condition",
      (t: string) => t.replace("always {", "sometimes {"),
      /unknown post condition 'sometimes'/,
    ],
    [
      "a misspelt section",
      (t: string) => t.replace("  parameters {", "  parameter {"),
      /pipeline may not contain 'parameter'/,
    ],
    ["a matrix without axes", (t: string) => t.replace(/axes \{[\s\S]*?\n {8}\}\n/, ""), /needs 'axes'/],
    [
      "two stages of one name",
      (t: string) => t.replace("stage('Autoupdate')", "stage('Drift check')"),
      /two stages named 'Drift check'/,
    ],
    ["a syntax error", (t: string) => t.replace(/\}\s*$/, ""), /not valid Groovy/],
  ])("refuses %s", async (_, edit, problem) => {
    const result = await checkCopy(edit);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toMatch(problem);
  });
});

describe("the pipeline's scripts", () => {
  it.each([
    [
      "drift-check.sh",
      ["prod"],
      /usage: .*drift-check\.sh ENVIRONMENT REGION .*stacks: prod-eu-west-1 prod-us-east-1 prod-us-west-2 uat-us-east-1/,
    ],
    [
      "drift-check.sh",
      ["uat", "eu-west-1"],
      /no stack uat-eu-west-1: .*stacks\/uat-eu-west-1\.tfvars does not exist/,
    ],
    ["autoupdate.sh", ["prod"], /usage: .*autoupdate\.sh ENVIRONMENT REGION/],
  ])("%s %j exits 2 naming what is wrong", async (script, args, message) => {
    const result = await run(join(STACK_ROOT, "scripts", script), args, {
      allowFailure: true,
      timeoutMs: 30_000,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
