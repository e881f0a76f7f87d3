import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfiguration } from "./configuration.ts";
import { GUARD_RULES } from "./findings.ts";
import {
  assertLocalOnly,
  checkConfiguration,
  checkEnvironment,
  isLocalEndpoint,
  localAwsEnv,
  RealAwsRefused,
} from "./guard.ts";

const testdata = fileURLToPath(new URL("./testdata/", import.meta.url));
const ENDPOINTS = ["http://127.0.0.1:4566", "http://kit-emulator:5000"];

/** findingsOf returns [rule, file:line relative to the fixture] for a fixture under testdata/. */
function findingsOf(fixture: string): [string, string][] {
  const installed = fixture.endsWith("installed-module");
  const dir = join(testdata, fixture);
  const config = loadConfiguration(installed ? join(dir, "root") : dir, {
    dataDir: installed ? join(dir, "data") : undefined,
    sandboxDataDir: "/kit/data",
  });
  return checkConfiguration(config, { endpoints: ENDPOINTS })
    .map((f): [string, string] => [f.rule, f.where.replace(`${dir}/`, "")])
    .sort();
}

// Every hole of issue 13, each a fixture the guard refuses with its rule and file:line.
const REFUSED: Record<string, [string, string][]> = {
  "user-override": [["override-file", "override.tf:2"]],
  "user-override-json": [["override-file", "zz_override.tf.json:3"]],
  "templated-alias": [["provider-alias", "main.tf:6"]],
  "tfvars-key": [
    ["real-access-key", "secrets.auto.tfvars.json:2"],
    ["real-access-key", "terraform.tfvars:3"],
  ],
  "aws-other-name": [["provider-source", "main.tf:3"]],
  "json-duplicate-key": [["provider-credentials-source", "main.tf.json:7"]],
  "dollar-escape": [["provider-credentials-source", "main.tf:12"]],
  "tofu-file": [["provider-network", "main.tofu:3"]],
  "installed-module": [["module-provider", "data/modules/queue/main.tf:2"]],
  "external-data": [
    ["external-data", "main.tf:1"],
    ["provider-not-allowed", "main.tf:1"],
  ],
  "http-data": [
    ["external-data", "main.tf:1"],
    ["provider-not-allowed", "main.tf:1"],
  ],
  "local-exec": [["provisioner", "main.tf:2"]],
  awscc: [["provider-not-allowed", "main.tf:3"]],
  "s3-backend": [["backend", "main.tf:3"]],
  "s3-backend-endpoints": [
    ["backend", "main.tf:11"],
    ["backend", "main.tf:6"],
    ["backend", "main.tf:6"],
  ],
  "http-backend": [["backend", "main.tf:2"]],
  "remote-module": [["module-source", "main.tf:1"]],
  "remote-state": [["remote-state", "main.tf:1"]],
  unparseable: [["unreadable", "main.tf:6"]],
  "real-key": [["real-access-key", "main.tf:4"]],
  "module-provider": [
    ["module-provider", "modules/store/main.tf:1"],
    ["provider-credentials-source", "modules/store/main.tf:4"],
  ],
};

describe("the guard refuses every fixture under testdata/refused with its rule and file:line", () => {
  it("has an expectation for each fixture folder", () => {
    expect(readdirSync(join(testdata, "refused")).sort()).toEqual(Object.keys(REFUSED).sort());
  });
  it.each(Object.entries(REFUSED))("%s", (fixture, expected) => {
    expect(findingsOf(`refused/${fixture}`)).toEqual(expected);
  });
});

describe("the guard accepts what stays on the emulator", () => {
  it.each(readdirSync(join(testdata, "allowed")))("%s", (fixture) => {
    expect(findingsOf(`allowed/${fixture}`)).toEqual([]);
  });
  it("ignores the root backend when kit replaces it with a local one", () => {
    const config = loadConfiguration(join(testdata, "refused", "s3-backend"));
    expect(checkConfiguration(config, { endpoints: ENDPOINTS, replacesBackend: true })).toEqual([]);
  });
  it("refuses an emulator endpoint on AWS, and tells local hosts from AWS ones", () => {
    const config = loadConfiguration(join(testdata, "allowed", "fixture"));
    const found = checkConfiguration(config, { endpoints: ["https://s3.amazonaws.com"] });
    expect(found.map((f) => f.rule)).toEqual(["endpoint-not-local"]);
    expect(isLocalEndpoint("http://kit-kit-aws:5000")).toBe(true);
    expect(isLocalEndpoint("https://sts.us-east-1.api.aws")).toBe(false);
    expect(isLocalEndpoint("not a url")).toBe(false);
  });
  it("refuses a module folder that the manifest names but that does not exist", () => {
    const dir = mkdtempSync(join(tmpdir(), "kit-guard-"));
    try {
      writeFileSync(join(dir, "main.tf"), 'module "gone" {\n  source = "./gone"\n}\n');
      const found = checkConfiguration(loadConfiguration(dir), { endpoints: ENDPOINTS });
      expect(found.map((f) => [f.rule, f.where])).toEqual([["module-unresolved", `${dir}/main.tf:1`]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("checkEnvironment and localAwsEnv", () => {
  it("refuses real-looking credentials, profiles, sessions, other endpoints and a missing endpoint", () => {
    const found = checkEnvironment(
      {
        AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
        AWS_PROFILE: "prod",
        AWS_SESSION_TOKEN: "x",
        AWS_ENDPOINT_URL_STS: "https://sts.amazonaws.com",
      },
      ENDPOINTS,
    );
    expect(found.map((f) => f.where).sort()).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_ENDPOINT_URL",
      "AWS_ENDPOINT_URL_STS",
      "AWS_PROFILE",
      "AWS_SESSION_TOKEN",
    ]);
  });
  it("builds an AWS environment that passes, from nothing", () => {
    const env = localAwsEnv(ENDPOINTS[1] as string, "us-east-1");
    expect(env).toMatchObject({ AWS_ACCESS_KEY_ID: "test", AWS_ENDPOINT_URL: ENDPOINTS[1] });
    expect(checkEnvironment(env, ENDPOINTS)).toEqual([]);
  });
  it("assertLocalOnly throws one error listing every finding with its rule", () => {
    let error: unknown;
    try {
      assertLocalOnly({
        rootDir: join(testdata, "refused", "s3-backend"),
        env: { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE" },
        endpoints: ENDPOINTS,
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RealAwsRefused);
    expect((error as RealAwsRefused).findings.map((f) => f.rule)).toEqual([
      "backend",
      "env-credentials",
      "env-endpoint",
    ]);
    expect((error as Error).message).toMatch(/s3-backend\/main\.tf:3: \[backend\] backend "s3"/);
  });
});

describe("docs/terraform-isolation.md", () => {
  it("describes every rule the guard reports", () => {
    const doc = readFileSync(
      fileURLToPath(new URL("../../../../docs/terraform-isolation.md", import.meta.url)),
      "utf8",
    );
    expect(GUARD_RULES.filter((rule) => !doc.includes(`\`${rule}\``))).toEqual([]);
  });
});
