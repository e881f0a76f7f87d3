import { describe, expect, it } from "vitest";
import { type EnvSource, readEnvOverrides } from "../../config/env-overrides.ts";
import { type AwsEmulatorSetting, chooseAwsEmulator } from "./index.ts";

/** choose is what the CLI does: the environment's overrides first, then the pure choice. */
function choose(setting: AwsEmulatorSetting, env: EnvSource) {
  const overrides = readEnvOverrides(env);
  return chooseAwsEmulator(overrides.awsEmulator ?? setting, Boolean(overrides.localstackToken));
}

describe("chooseAwsEmulator", () => {
  it("picks moto for auto without a LocalStack token, LocalStack with one", () => {
    expect(chooseAwsEmulator("auto", false)).toBe("moto");
    expect(chooseAwsEmulator("auto", true)).toBe("localstack");
    expect(choose("auto", { LOCALSTACK_AUTH_TOKEN: "ls-abc" })).toBe("localstack");
  });
  it("honours an explicit choice and KIT_AWS_EMULATOR", () => {
    expect(chooseAwsEmulator("localstack", false)).toBe("localstack");
    expect(chooseAwsEmulator("moto", true)).toBe("moto");
    expect(choose("localstack", { KIT_AWS_EMULATOR: "moto" })).toBe("moto");
  });
  it("names a bad value", () => {
    expect(() => choose("auto", { KIT_AWS_EMULATOR: "minio" })).toThrow(/KIT_AWS_EMULATOR=minio/);
  });
});
