/**
 * Every hole of issue 13, tried both ways. First the static guard: it refuses the fixture with
 * file:line and the rule. Then with the guard skipped (the test-only unsafeSkipGuard), the same
 * configuration runs in the sandbox against moto, aimed at canary listeners on the host (the Docker
 * bridge's gateway and the host's other addresses, listening on 0.0.0.0): whatever Terraform
 * does (it fails to install a provider, fails to connect, or runs a local-exec probe) the canary
 * receives no connection. Where the run gets far enough, its output shows it really tried.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningAwsEmulator, startAwsEmulator } from "../../src/providers/aws/index.ts";
import { requireDocker } from "../../src/tools/docker.ts";
import { assertLocalOnly, RealAwsRefused } from "../../src/tools/terraform/guard.ts";
import {
  removeTerraformSandboxes,
  sandboxEndpoint,
  sandboxedTerraform,
} from "../../src/tools/terraform/terraform.ts";
import { type Canary, startCanary } from "./canary.ts";
import { REPO_ROOT } from "./tools.ts";

const PROJECT = `kit-canary-${process.pid}`;
const REFUSED = join(REPO_ROOT, "kit/src/tools/terraform/testdata/refused");
let canary: Canary;
let emulator: RunningAwsEmulator;
let work: string;

/** mentions matches output naming the canary address (Terraform tried it and was refused). */
const mentions = (target: string): RegExp => new RegExp(target.replace(/\./g, "\\."));

/** What a sandboxed run of each fixture must show besides "the canary saw nothing". */
const CASES: Record<
  string,
  { stage: "init" | "apply" | "ran"; evidence?: (canaryTarget: string) => RegExp }
> = {
  "user-override": { stage: "apply", evidence: mentions },
  "user-override-json": { stage: "apply", evidence: mentions },
  "templated-alias": { stage: "apply", evidence: mentions },
  // kit's override aims the literal alias "real" at the emulator too: the queue lands in moto.
  "tfvars-key": { stage: "ran" },
  "aws-other-name": { stage: "apply", evidence: mentions },
  "json-duplicate-key": { stage: "apply", evidence: mentions },
  // The hidden provider's profile does not exist in the sandbox (HOME is empty); its endpoints are kit's.
  "dollar-escape": { stage: "apply", evidence: () => /shared config profile, production/ },
  "local-exec": { stage: "ran", evidence: () => /probe: blocked/ },
  // kit replaces every backend but an S3 one at the emulator with backend "local" at the state file.
  "http-backend": { stage: "ran" },
  "external-data": { stage: "init", evidence: () => /hashicorp\/external/ },
  "http-data": { stage: "init", evidence: () => /hashicorp\/http/ },
  awscc: { stage: "init", evidence: () => /hashicorp\/awscc/ },
  "remote-module": { stage: "init" },
  "s3-backend-endpoints": { stage: "init" },
  "remote-state": { stage: "apply" },
  // OpenTofu reads main.tofu (its https_proxy is the canary); Terraform reads main.tf instead and runs.
  "tofu-file": { stage: "apply", evidence: mentions },
  // Aimed at real AWS rather than the canary: in the sandbox they reach nothing either.
  "real-key": { stage: "ran" },
  "module-provider": { stage: "apply" },
  "s3-backend": { stage: "init" },
};
// Not run here: unparseable (Terraform refuses it too) and installed-module (init reinstalls modules).

beforeAll(async () => {
  await requireDocker();
  canary = await startCanary();
  emulator = await startAwsEmulator({ project: PROJECT, emulator: "moto", imageSource: "build" });
  work = mkdtempSync(join(tmpdir(), "kit-canary-"));
}, 90 * 60_000);

afterAll(async () => {
  await removeTerraformSandboxes(PROJECT);
  await emulator?.remove();
  await canary?.close();
  if (work) rmSync(work, { recursive: true, force: true });
}, 10 * 60_000);

/** prepare copies a fixture and aims its __CANARY__ placeholders at one canary address. */
function prepare(fixture: string, target: string): string {
  const dir = join(work, "config", fixture);
  cpSync(join(REFUSED, fixture), dir, { recursive: true });
  const [host, port] = target.split(":") as [string, string];
  const substitute = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const f of readdirSync(path)) substitute(join(path, f));
      return;
    }
    const text = readFileSync(path, "utf8")
      .replaceAll("__CANARY_TARGETS__", canary.targets.join(" "))
      .replaceAll("__CANARY_HOST__", host)
      .replaceAll("__CANARY_PORT__", port)
      .replaceAll("__CANARY__", target);
    writeFileSync(path, text);
  };
  substitute(dir);
  return dir;
}

describe.each(Object.entries(CASES))("%s", (fixture, expected) => {
  it("the guard refuses it with file:line and the rule", () => {
    const dir = prepare(`${fixture}`, canary.gatewayTarget);
    let error: unknown;
    try {
      assertLocalOnly({
        rootDir: dir,
        env: { AWS_ENDPOINT_URL: sandboxEndpoint(emulator) },
        endpoints: [sandboxEndpoint(emulator), emulator.endpoint],
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RealAwsRefused);
    expect((error as Error).message).toMatch(new RegExp(`${fixture}/[^:\\s]+:\\d+: \\[[a-z-]+\\]`));
    rmSync(dir, { recursive: true, force: true });
  });

  it("without the guard, it runs in the sandbox and the canary receives nothing", async () => {
    const target = fixture.length % 2 === 0 ? canary.gatewayTarget : canary.hostTarget;
    const dir = prepare(fixture, target);
    const lines: string[] = [];
    const tf = await sandboxedTerraform({
      project: PROJECT,
      configRoot: join(work, "config"),
      moduleDir: fixture,
      emulator,
      stateFile: join(work, "runs", fixture, "terraform.tfstate"),
      dataDir: join(work, "runs", fixture, "data"),
      // Fewer SDK attempts where the configuration does not set max_retries itself (the fixtures do).
      passEnv: ["AWS_MAX_ATTEMPTS"],
      env: { AWS_MAX_ATTEMPTS: "1" },
      // A retry loop that outlasts this is cancelled; the canary is checked all the same.
      signal: AbortSignal.timeout(150_000),
      onLine: (line) => lines.push(line),
      unsafeSkipGuard: true,
    });
    let stage: "init" | "apply" | "ran" = "init";
    let failure = "";
    try {
      await tf.init();
      stage = "apply";
      await tf.apply();
      stage = "ran";
    } catch (err) {
      failure = `${(err as Error).message}\n${((err as { outputTail?: string[] }).outputTail ?? []).join("\n")}`;
    } finally {
      await tf.close();
    }
    const output = `${lines.join("\n")}\n${failure}`;
    expect(canary.hits, output).toEqual([]);
    const readsTofuFiles = tf.binary.flavor === "tofu";
    if (fixture === "tofu-file" && !readsTofuFiles) {
      expect(stage, output).toBe("ran");
    } else {
      expect(stage, output).toBe(expected.stage);
      if (expected.evidence) expect(output).toMatch(expected.evidence(target));
    }
    if (fixture === "local-exec") {
      for (const t of canary.targets) expect(output).toContain(`probe: blocked ${t}`);
      expect(output).not.toContain("probe: CONNECTED");
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
