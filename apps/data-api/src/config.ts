import { hostname } from "node:os";

/** Config holds every setting of data-api, read from the environment by loadConfig. */
export interface Config {
  port: number;
  version: string;
  /** The task (ECS) or pod name, sent in X-Served-By and in every log line. */
  instance: string;
  /** The DynamoDB table holding the items (partition key `id`, a string). */
  table: string;
  /** AWS region of the table (the SDK's own AWS_REGION). */
  region: string;
  /** Another DynamoDB endpoint (the local emulator); unset on AWS. */
  endpoint: string | undefined;
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Items per page of GET /data when the request names no limit, and the most it may ask for. */
  defaultPageSize: number;
  maxPageSize: number;
  drainDelayMs: number;
  shutdownTimeoutMs: number;
  keepAliveTimeoutMs: number;
  logLevel: "debug" | "info" | "warn" | "error";
}

/** ConfigError is an invalid or missing setting; its message names the variable and what to do. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** loadConfig reads the settings documented in apps/data-api/README.md, throwing ConfigError on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return def;
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw) || n < min || n > max) {
      throw new ConfigError(`${name}=${JSON.stringify(raw)} is not an integer from ${min} to ${max}`);
    }
    return n;
  };
  const logLevel = env.LOG_LEVEL || "info";
  if (logLevel !== "debug" && logLevel !== "info" && logLevel !== "warn" && logLevel !== "error") {
    throw new ConfigError(
      `LOG_LEVEL=${JSON.stringify(logLevel)} is not a level: use debug, info, warn or error`,
    );
  }
  const table = env.DYNAMODB_TABLE ?? "";
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(table)) {
    throw new ConfigError(
      table === ""
        ? "DYNAMODB_TABLE is not set: set it to the table's name (Terraform output table_name)"
        : `DYNAMODB_TABLE=${JSON.stringify(table)} is not a DynamoDB table name (3 to 255 of a-z A-Z 0-9 _ . -)`,
    );
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || "";
  if (region === "")
    throw new ConfigError("AWS_REGION is not set: set it to the table's region, e.g. eu-west-1");
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL || undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) {
    throw new ConfigError(`AWS_ENDPOINT_URL=${JSON.stringify(endpoint)} is not an http(s) URL`);
  }
  const config: Config = {
    port: int("PORT", 8080, 0, 65535),
    version: env.APP_VERSION || "dev",
    instance: env.POD_NAME || env.ECS_TASK_ID || hostname(),
    table,
    region,
    endpoint,
    maxBodyBytes: int("MAX_BODY_BYTES", 16 * 1024, 64, 350 * 1024),
    defaultPageSize: int("DEFAULT_PAGE_SIZE", 25, 1, 1000),
    maxPageSize: int("MAX_PAGE_SIZE", 100, 1, 1000),
    drainDelayMs: int("DRAIN_DELAY_MS", 5000, 0, DAY_MS),
    shutdownTimeoutMs: int("SHUTDOWN_TIMEOUT_MS", 25000, 1, DAY_MS),
    keepAliveTimeoutMs: int("KEEP_ALIVE_TIMEOUT_MS", 75000, 1, DAY_MS),
    logLevel,
  };
  if (config.defaultPageSize > config.maxPageSize) {
    throw new ConfigError(
      `DEFAULT_PAGE_SIZE (${config.defaultPageSize}) is above MAX_PAGE_SIZE (${config.maxPageSize}): lower it or raise the maximum`,
    );
  }
  if (config.drainDelayMs >= config.shutdownTimeoutMs) {
    throw new ConfigError(
      `DRAIN_DELAY_MS (${config.drainDelayMs}) must be below SHUTDOWN_TIMEOUT_MS (${config.shutdownTimeoutMs}), which counts from SIGTERM`,
    );
  }
  return config;
}
