import { describe, expect, it } from "vitest";
import { awsProviderSpec, renderCliConfig, terraformPlatform } from "./mirror.ts";
import { AWS_PROVIDER_PIN } from "./versions.ts";

describe("provider mirror", () => {
  it("builds the pinned pseudo-version and stamps the provider version", () => {
    const spec = awsProviderSpec();
    expect(spec.version).toBe(AWS_PROVIDER_PIN.pseudoVersion);
    expect(spec.ldflags).toEqual([
      `-X github.com/hashicorp/terraform-provider-aws/version.ProviderVersion=${AWS_PROVIDER_PIN.providerVersion}`,
    ]);
  });
  it("writes a CLI config that takes hashicorp/aws from the mirror only", () => {
    const text = renderCliConfig("/cache/kit/terraform/mirror");
    expect(text).toContain('path    = "/cache/kit/terraform/mirror"');
    expect(text).toMatch(/filesystem_mirror \{[^}]*include = \["registry\.terraform\.io\/hashicorp\/aws"/);
    expect(text).toMatch(/direct \{[^}]*exclude = \["registry\.terraform\.io\/hashicorp\/aws"/);
  });
  it("names the platform the way Terraform does", () => {
    expect(terraformPlatform()).toMatch(/^(linux|darwin|windows)_(amd64|arm64|386|arm)$/);
  });
});
