import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

const base = { DYNAMODB_TABLE: "kit-dev-items", AWS_REGION: "eu-west-1" };

describe("loadConfig", () => {
  it("reads the defaults and the emulator endpoint", () => {
    const c = loadConfig({ ...base, AWS_ENDPOINT_URL: "http://aws:5000", POD_NAME: "task-1" });
    expect(c).toMatchObject({
      port: 8080,
      table: "kit-dev-items",
      region: "eu-west-1",
      endpoint: "http://aws:5000",
      instance: "task-1",
      maxBodyBytes: 16384,
      defaultPageSize: 25,
      maxPageSize: 100,
    });
    expect(loadConfig(base).endpoint).toBeUndefined();
  });

  it.each([
    [{ AWS_REGION: "eu-west-1" }, /DYNAMODB_TABLE is not set/],
    [{ ...base, DYNAMODB_TABLE: "a b" }, /not a DynamoDB table name/],
    [{ DYNAMODB_TABLE: "items" }, /AWS_REGION is not set/],
    [{ ...base, AWS_ENDPOINT_URL: "aws:5000" }, /AWS_ENDPOINT_URL=.* is not an http\(s\) URL/],
    [{ ...base, PORT: "eighty" }, /PORT="eighty" is not an integer/],
    [
      { ...base, DEFAULT_PAGE_SIZE: "50", MAX_PAGE_SIZE: "10" },
      /DEFAULT_PAGE_SIZE \(50\) is above MAX_PAGE_SIZE/,
    ],
    [{ ...base, DRAIN_DELAY_MS: "30000" }, /DRAIN_DELAY_MS \(30000\) must be below SHUTDOWN_TIMEOUT_MS/],
    [{ ...base, LOG_LEVEL: "loud" }, /LOG_LEVEL="loud" is not a level/],
  ])("refuses %j, naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
