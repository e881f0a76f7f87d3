import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  assertLocalOnly,
  checkConfiguration,
  checkEnvironment,
  loadConfiguration,
  localAwsEnv,
  RealAwsRefused,
} from "./guard.ts";
import { attr, literal, parseHcl, parseTfJson } from "./hcl.ts";
import {
  endpointNamesFromSchema,
  OVERRIDE_FILE,
  renderOverride,
  rootAwsAliases,
  writeEmulatorOverride,
} from "./override.ts";

const testdata = fileURLToPath(new URL("./testdata/", import.meta.url));
const ENDPOINT = "http://127.0.0.1:4566";
const rules = (dir: string) =>
  checkConfiguration(loadConfiguration(join(testdata, dir)), ENDPOINT).map((f) => f.rule);

describe("parseHcl", () => {
  it("reads blocks, labels, attributes, and skips braces in strings, heredocs and comments", () => {
    const blocks = parseHcl(readFileSync(join(testdata, "aliases", "main.tf"), "utf8"), "main.tf");
    expect(blocks.map((b) => [b.type, ...b.labels])).toEqual([
      ["provider", "aws"],
      ["provider", "aws"],
      ["data", "terraform_remote_state", "network"],
      ["resource", "aws_s3_bucket", "west"],
    ]);
    expect(literal(attr(blocks[1] as never, "alias"))).toBe("west");
    expect(attr(blocks[3] as never, "bucket")).toBe(`"kit-$\{"west"}-bucket"`);
  });
  it("reports where it lost track", () => {
    expect(() => parseHcl('provider "aws" {\n  region = "x"\n', "bad.tf")).toThrow(
      /bad\.tf:\d+: missing closing }/,
    );
  });
  it("maps .tf.json onto the same blocks", () => {
    const blocks = parseTfJson(
      JSON.stringify({
        terraform: { backend: { s3: { bucket: "b" } } },
        provider: { aws: [{ alias: "x" }, {}] },
      }),
      "x.tf.json",
    );
    expect(blocks.map((b) => [b.type, ...b.labels])).toEqual([
      ["terraform"],
      ["provider", "aws"],
      ["provider", "aws"],
    ]);
    expect(blocks[0]?.blocks[0]).toMatchObject({ type: "backend", labels: ["s3"] });
  });
});

describe("checkConfiguration", () => {
  it("accepts the fixture and root-level aliases with local remote state", () => {
    expect(rules("fixture")).toEqual([]);
    expect(rules("aliases")).toEqual([]);
  });
  it("refuses an S3 backend that is not aimed at the emulator", () => {
    expect(rules("s3-backend")).toEqual(["backend"]);
  });
  it("accepts an S3 backend whose endpoint is the emulator", () => {
    const dir = mkdtempSync(join(tmpdir(), "kit-guard-"));
    try {
      writeFileSync(
        join(dir, "main.tf"),
        `terraform {\n  backend "s3" {\n    bucket = "state"\n    key = "k"\n    endpoints = { s3 = "${ENDPOINT}" }\n  }\n}\n`,
      );
      expect(checkConfiguration(loadConfiguration(dir), ENDPOINT)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("refuses literal real-looking keys", () => {
    expect(rules("real-key")).toEqual(["real-access-key"]);
  });
  it("refuses providers configured in child modules, and their profiles", () => {
    expect(rules("module-provider").sort()).toEqual(["module-provider", "provider-credentials-source"]);
  });
  it("refuses an emulator endpoint on AWS", () => {
    const found = checkConfiguration(
      loadConfiguration(join(testdata, "fixture")),
      "https://s3.amazonaws.com",
    );
    expect(found.map((f) => f.rule)).toEqual(["endpoint-not-local"]);
  });
  it("refuses remote and cloud backends and non-local remote state", () => {
    const dir = mkdtempSync(join(tmpdir(), "kit-guard-"));
    try {
      writeFileSync(join(dir, "a.tf"), 'terraform {\n  cloud {\n    organization = "acme"\n  }\n}\n');
      writeFileSync(join(dir, "b.tf"), 'data "terraform_remote_state" "net" {\n  backend = "s3"\n}\n');
      expect(checkConfiguration(loadConfiguration(dir), ENDPOINT).map((f) => f.rule)).toEqual([
        "backend",
        "remote-state",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("checkEnvironment and localAwsEnv", () => {
  it("refuses real-looking credentials, profiles, sessions and a missing endpoint", () => {
    const found = checkEnvironment(
      { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_PROFILE: "prod", AWS_SESSION_TOKEN: "x" },
      ENDPOINT,
    );
    expect(found.map((f) => f.where).sort()).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_ENDPOINT_URL",
      "AWS_PROFILE",
      "AWS_SESSION_TOKEN",
    ]);
  });
  it("builds an environment that passes: real variables dropped, emulator endpoint and dummy keys set", () => {
    const env = localAwsEnv(ENDPOINT, "us-east-1", {
      PATH: "/bin",
      AWS_PROFILE: "prod",
      AWS_ACCESS_KEY_ID: "ASIAIOSFODNN7EXAMPLE",
      AWS_SESSION_TOKEN: "t",
    });
    expect(env).toMatchObject({ PATH: "/bin", AWS_ACCESS_KEY_ID: "test", AWS_ENDPOINT_URL: ENDPOINT });
    expect(env.AWS_PROFILE).toBeUndefined();
    expect(checkEnvironment(env, ENDPOINT)).toEqual([]);
  });
  it("assertLocalOnly throws one error listing every finding", () => {
    let error: unknown;
    try {
      assertLocalOnly(join(testdata, "s3-backend"), { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE" }, ENDPOINT);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RealAwsRefused);
    expect((error as RealAwsRefused).findings.map((f) => f.rule)).toEqual([
      "backend",
      "env-credentials",
      "env-endpoint",
    ]);
    expect((error as Error).message).toMatch(/s3-backend\/main\.tf:3: backend "s3"/);
  });
});

describe("override", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  it("overrides the default provider and every alias, and the guard sees them covered", async () => {
    dir = mkdtempSync(join(tmpdir(), "kit-override-"));
    cpSync(join(testdata, "aliases"), dir, { recursive: true });
    expect(rootAwsAliases(dir)).toEqual(["", "west"]);
    const written = await writeEmulatorOverride(dir, ENDPOINT, ["s3", "sts"]);
    expect(written.path.endsWith(OVERRIDE_FILE)).toBe(true);
    expect(written.findings).toEqual([]);
    const text = readFileSync(written.path, "utf8");
    expect(text.match(/provider "aws"/g)).toHaveLength(2);
    expect(text).toContain('alias                       = "west"');
    await written.remove();
  });
  it("writes a plain provider file when the root module has no aws provider block", () => {
    expect(renderOverride(ENDPOINT, ["s3"], [])).toContain(`s3 = "${ENDPOINT}"`);
  });
  it("reads endpoint names from a provider schema, skipping deprecated aliases", () => {
    const schema = {
      provider_schemas: {
        "registry.terraform.io/hashicorp/aws": {
          provider: {
            block: {
              block_types: {
                endpoints: { block: { attributes: { s3: {}, sts: {}, s3api: { deprecated: true } } } },
              },
            },
          },
        },
      },
    };
    expect(endpointNamesFromSchema(JSON.stringify(schema))).toEqual(["s3", "sts"]);
  });
});
