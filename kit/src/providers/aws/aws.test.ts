import { describe, expect, it } from "vitest";
import { chooseAwsEmulator } from "./index.ts";

describe("chooseAwsEmulator", () => {
  it("picks moto for auto without a LocalStack token, LocalStack with one", () => {
    expect(chooseAwsEmulator("auto", {})).toBe("moto");
    expect(chooseAwsEmulator("auto", { LOCALSTACK_AUTH_TOKEN: "ls-abc" })).toBe("localstack");
  });
  it("honours an explicit choice and KIT_AWS_EMULATOR", () => {
    expect(chooseAwsEmulator("localstack", {})).toBe("localstack");
    expect(chooseAwsEmulator("localstack", { KIT_AWS_EMULATOR: "moto" })).toBe("moto");
  });
  it("names a bad value", () => {
    expect(() => chooseAwsEmulator("auto", { KIT_AWS_EMULATOR: "minio" })).toThrow(/KIT_AWS_EMULATOR=minio/);
  });
});
