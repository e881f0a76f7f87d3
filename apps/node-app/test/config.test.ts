import { describe, expect, it } from "vitest";
import { databaseFromUrl, loadConfig, redactUrl } from "../src/config.ts";

const base = { MONGODB_URL: "mongodb://db:27017/shop", POD_NAME: "p1" };

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    expect(loadConfig(base)).toEqual({
      port: 8080,
      version: "dev",
      pod: "p1",
      warmupMs: 0,
      drainDelayMs: 5000,
      shutdownTimeoutMs: 25000,
      streamIntervalMs: 1000,
      wsPingIntervalMs: 10000,
      maxSlowMs: 60000,
      keepAliveTimeoutMs: 75000,
      faultOnSigterm: "",
      logLevel: "info",
      mongodbUrl: "mongodb://db:27017/shop",
      mongodbDatabase: "shop",
    });
  });

  it("reads every setting", () => {
    const config = loadConfig({
      ...base,
      PORT: "9000",
      APP_VERSION: "1.2.3",
      WARMUP_MS: "250",
      DRAIN_DELAY_MS: "100",
      SHUTDOWN_TIMEOUT_MS: "2000",
      STREAM_INTERVAL_MS: "50",
      WS_PING_INTERVAL_MS: "70",
      MAX_SLOW_MS: "300",
      KEEP_ALIVE_TIMEOUT_MS: "4000",
      FAULT_ON_SIGTERM: "exit",
      LOG_LEVEL: "debug",
      MONGODB_DATABASE: "other",
    });
    expect(config).toMatchObject({
      port: 9000,
      version: "1.2.3",
      warmupMs: 250,
      drainDelayMs: 100,
      shutdownTimeoutMs: 2000,
      streamIntervalMs: 50,
      wsPingIntervalMs: 70,
      maxSlowMs: 300,
      keepAliveTimeoutMs: 4000,
      faultOnSigterm: "exit",
      logLevel: "debug",
      mongodbDatabase: "other",
    });
  });

  it.each([
    ["PORT", { PORT: "http" }],
    ["DRAIN_DELAY_MS", { DRAIN_DELAY_MS: "-1" }],
    ["STREAM_INTERVAL_MS", { STREAM_INTERVAL_MS: "5" }],
    ["FAULT_ON_SIGTERM", { FAULT_ON_SIGTERM: "crash" }],
    ["LOG_LEVEL", { LOG_LEVEL: "verbose" }],
    ["SHUTDOWN_TIMEOUT_MS", { DRAIN_DELAY_MS: "3000", SHUTDOWN_TIMEOUT_MS: "2000" }],
    ["MONGODB_URL", { MONGODB_URL: "" }],
    ["MONGODB_URL", { MONGODB_URL: "postgres://x" }],
  ])("names %s when it is invalid", (name, env) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(name);
  });

  it("defaults the database to orders and the pod to the hostname", () => {
    const config = loadConfig({ MONGODB_URL: "mongodb://db:27017/?replicaSet=rs0" });
    expect(config.mongodbDatabase).toBe("orders");
    expect(config.pod).not.toBe("");
  });
});

describe("databaseFromUrl", () => {
  it.each([
    ["mongodb://h:27017/shop", "shop"],
    ["mongodb://u:p@h1:1,h2:2/shop?authSource=admin", "shop"],
    ["mongodb+srv://cluster.example.com/my%20db", "my db"],
    ["mongodb://h:27017/", undefined],
    ["mongodb://h:27017/?tls=true", undefined],
    ["mongodb://h:27017", undefined],
  ])("%s -> %s", (url, db) => {
    expect(databaseFromUrl(url)).toBe(db);
  });
});

describe("redactUrl", () => {
  it("hides the password", () => {
    expect(redactUrl("mongodb://user:s3cret@h:27017/db")).toBe("mongodb://user:***@h:27017/db");
    expect(redactUrl("mongodb://h:27017/db")).toBe("mongodb://h:27017/db");
  });
});
