import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfiguration } from "./configuration.ts";
import {
  checkOverridden,
  endpointNamesFromSchema,
  OVERRIDE_FILE,
  PROVIDER_FILE,
  renderEmulatorFiles,
} from "./override.ts";

const testdata = fileURLToPath(new URL("./testdata/", import.meta.url));
const ENDPOINT = "http://kit-emulator:5000";

describe("renderEmulatorFiles", () => {
  it("overrides the default provider and every alias, and the check sees them covered", () => {
    const config = loadConfiguration(join(testdata, "allowed", "aliases"));
    const files = renderEmulatorFiles(config, ENDPOINT, ["s3", "sts"]);
    expect(Object.keys(files)).toEqual([OVERRIDE_FILE]);
    expect(files[OVERRIDE_FILE]?.match(/provider "aws"/g)).toHaveLength(2);
    expect(files[OVERRIDE_FILE]).toContain('alias                       = "west"');
    expect(checkOverridden(config, files, ENDPOINT)).toEqual([]);
    expect(checkOverridden(config, {}, ENDPOINT).map((f) => f.rule)).toEqual([
      "module-provider",
      "module-provider",
    ]);
  });
  it("adds a default provider file when the root declares none, and a local backend when asked", () => {
    const config = loadConfiguration(join(testdata, "allowed", "offline-providers"));
    const files = renderEmulatorFiles(config, ENDPOINT, ["s3"], { localBackend: true });
    expect(files[PROVIDER_FILE]).toContain(`s3 = "${ENDPOINT}"`);
    expect(files[OVERRIDE_FILE]).toContain('backend "local" {}');
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
