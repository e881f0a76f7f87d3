import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

const base = { DATABASE_URL: "postgres://u:p@db:5432/pmp", NOTICES_BUCKET: "notices" };

describe("loadConfig", () => {
  it("reads the settings with their defaults", () => {
    expect(loadConfig(base)).toMatchObject({
      databaseUrl: base.DATABASE_URL,
      noticesBucket: "notices",
      noticeKey: "notices/current.json",
      partnerApiUrl: undefined,
      partnerTimeoutMs: 3000,
      region: "us-east-1",
      awsEndpoint: undefined,
    });
  });

  it.each([
    [{ NOTICES_BUCKET: "n" }, /DATABASE_URL is not set/],
    [{ ...base, DATABASE_URL: "mysql://x" }, /DATABASE_URL=mysql:\/\/x must use postgres: or postgresql:/],
    [{ DATABASE_URL: base.DATABASE_URL }, /NOTICES_BUCKET is not set/],
    [{ ...base, PARTNER_API_URL: "not a url" }, /PARTNER_API_URL=not a url is not a URL/],
    [{ ...base, PARTNER_TIMEOUT_MS: "0" }, /PARTNER_TIMEOUT_MS=0 must be a positive/],
  ])("names the variable that is wrong: %o", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
