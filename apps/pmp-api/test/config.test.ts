import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { poolConfig } from "../src/store.ts";

const base = { DATABASE_URL: "postgres://u:p@db:5432/pmp", NOTICES_BUCKET: "notices" };

describe("loadConfig", () => {
  it("reads the settings with their defaults", () => {
    expect(loadConfig(base)).toMatchObject({
      database: { kind: "url", url: base.DATABASE_URL },
      noticesBucket: "notices",
      noticeKey: "notices/current.json",
      partnerApiUrl: undefined,
      partnerTimeoutMs: 3000,
      region: "us-east-1",
      awsEndpoint: undefined,
    });
  });

  it("reaches RDS Proxy with IAM when DB_PROXY_ENDPOINT is set instead of DATABASE_URL", () => {
    const env = {
      NOTICES_BUCKET: "n",
      DB_PROXY_ENDPOINT: "p.proxy-x.eu-west-1.rds.amazonaws.com",
      DB_NAME: "pmp",
      DB_USER: "pmp_api",
    };
    expect(loadConfig(env).database).toEqual({
      kind: "iam",
      host: "p.proxy-x.eu-west-1.rds.amazonaws.com",
      port: 5432,
      database: "pmp",
      user: "pmp_api",
    });
    expect(() => loadConfig({ ...env, DB_USER: "" })).toThrow(/DB_USER is not set/);
  });

  it("signs in to RDS Proxy with a fresh IAM token over verified TLS", async () => {
    const config = poolConfig(
      {
        kind: "iam",
        host: "p.proxy-x.eu-west-1.rds.amazonaws.com",
        port: 5432,
        database: "pmp",
        user: "pmp_api",
      },
      "eu-west-1",
    );
    expect(config).toMatchObject({
      host: "p.proxy-x.eu-west-1.rds.amazonaws.com",
      user: "pmp_api",
      ssl: { rejectUnauthorized: true },
    });
    process.env.AWS_ACCESS_KEY_ID ??= "test";
    process.env.AWS_SECRET_ACCESS_KEY ??= "test";
    const token = await (config.password as () => Promise<string>)();
    // A SigV4-presigned rds-db:connect request (computed locally; no call to AWS).
    expect(token).toMatch(
      /^p\.proxy-x\.eu-west-1\.rds\.amazonaws\.com:5432\/\?Action=connect&DBUser=pmp_api&X-Amz-/,
    );
  });

  it.each([
    [{ NOTICES_BUCKET: "n" }, /neither DATABASE_URL nor DB_PROXY_ENDPOINT is set/],
    [{ ...base, DATABASE_URL: "mysql://x" }, /DATABASE_URL=mysql:\/\/x must use postgres: or postgresql:/],
    [{ DATABASE_URL: base.DATABASE_URL }, /NOTICES_BUCKET is not set/],
    [{ ...base, PARTNER_API_URL: "not a url" }, /PARTNER_API_URL=not a url is not a URL/],
    [{ ...base, PARTNER_TIMEOUT_MS: "0" }, /PARTNER_TIMEOUT_MS=0 must be a positive/],
  ])("names the variable that is wrong: %o", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
