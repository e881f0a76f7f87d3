import { hostname } from "node:os";

/** FaultMode is FAULT_ON_SIGTERM: "" (correct shutdown), "exit" (exit 0 at once) or "ignore" (ignore SIGTERM). */
export type FaultMode = "" | "exit" | "ignore";

/** Config holds every setting of node-app, read from the environment by loadConfig. */
export interface Config {
  port: number;
  version: string;
  pod: string;
  /** WARMUP_MS: after start, readiness fails and requests get 503 for this long (an app warming caches). */
  warmupMs: number;
  drainDelayMs: number;
  shutdownTimeoutMs: number;
  streamIntervalMs: number;
  wsPingIntervalMs: number;
  maxSlowMs: number;
  keepAliveTimeoutMs: number;
  faultOnSigterm: FaultMode;
  logLevel: "debug" | "info" | "warn" | "error";
  mongodbUrl: string;
  mongodbDatabase: string;
}

/** ConfigError is an invalid or missing setting; its message names the variable and what to do. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** loadConfig reads the settings documented in apps/README.md, throwing ConfigError on a bad value. */
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
  const fault = env.FAULT_ON_SIGTERM ?? "";
  if (fault !== "" && fault !== "exit" && fault !== "ignore") {
    throw new ConfigError(
      `FAULT_ON_SIGTERM=${JSON.stringify(fault)} is not a fault mode: use "exit", "ignore" or leave it unset`,
    );
  }
  const logLevel = env.LOG_LEVEL || "info";
  if (logLevel !== "debug" && logLevel !== "info" && logLevel !== "warn" && logLevel !== "error") {
    throw new ConfigError(
      `LOG_LEVEL=${JSON.stringify(logLevel)} is not a level: use debug, info, warn or error`,
    );
  }
  const mongodbUrl = env.MONGODB_URL ?? "";
  if (!/^mongodb(\+srv)?:\/\//.test(mongodbUrl)) {
    throw new ConfigError(
      mongodbUrl === ""
        ? "MONGODB_URL is not set: set it to a MongoDB connection string, e.g. mongodb://127.0.0.1:27017/orders"
        : `MONGODB_URL does not start with mongodb:// or mongodb+srv:// (got ${JSON.stringify(redactUrl(mongodbUrl))})`,
    );
  }
  const config: Config = {
    port: int("PORT", 8080, 0, 65535),
    version: env.APP_VERSION || "dev",
    pod: env.POD_NAME || hostname(),
    warmupMs: int("WARMUP_MS", 0, 0, DAY_MS),
    drainDelayMs: int("DRAIN_DELAY_MS", 5000, 0, DAY_MS),
    shutdownTimeoutMs: int("SHUTDOWN_TIMEOUT_MS", 25000, 1, DAY_MS),
    streamIntervalMs: int("STREAM_INTERVAL_MS", 1000, 10, DAY_MS),
    wsPingIntervalMs: int("WS_PING_INTERVAL_MS", 10000, 10, DAY_MS),
    maxSlowMs: int("MAX_SLOW_MS", 60000, 0, DAY_MS),
    keepAliveTimeoutMs: int("KEEP_ALIVE_TIMEOUT_MS", 75000, 1, DAY_MS),
    faultOnSigterm: fault,
    logLevel,
    mongodbUrl,
    mongodbDatabase: env.MONGODB_DATABASE || databaseFromUrl(mongodbUrl) || "orders",
  };
  if (config.drainDelayMs >= config.shutdownTimeoutMs) {
    throw new ConfigError(
      `DRAIN_DELAY_MS (${config.drainDelayMs}) must be less than SHUTDOWN_TIMEOUT_MS (${config.shutdownTimeoutMs}), or in-flight work never gets time to finish`,
    );
  }
  return config;
}

/** databaseFromUrl returns the database named in a connection string's path, or undefined when there is none. */
export function databaseFromUrl(url: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]+)/.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/** redactUrl hides the password of a connection string, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(mongodb(?:\+srv)?:\/\/[^:/@]+:)[^@]*@/, "$1***@");
}
