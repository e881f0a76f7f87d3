// config reads the Lambda's settings from its environment (serverless.yml sets them on AWS; kit
// sets them locally). A missing or malformed setting is a ConfigError naming the variable.

/**
 * Database is where PostgreSQL is and how to sign in: a URL with a password (kit's PostgreSQL,
 * the tests), or RDS Proxy with an IAM token made from the function's role (AWS: no password
 * anywhere near the function).
 */
export type Database =
  | { kind: "url"; url: string }
  | { kind: "iam"; host: string; port: number; database: string; user: string };

/** Config is every setting of the handler. */
export interface Config {
  database: Database;
  /** The bucket holding the consent notices (large JSON documents). */
  noticesBucket: string;
  /** The key of the notice in force. */
  noticeKey: string;
  /** The third-party API the handler asks (through the NAT gateway on AWS); unset: not asked. */
  partnerApiUrl: string | undefined;
  partnerTimeoutMs: number;
  region: string;
  /** An S3 endpoint other than AWS's (kit's emulator locally); path-style addressing then. */
  awsEndpoint: string | undefined;
}

/** ConfigError names the variable that is missing or wrong. */
export class ConfigError extends Error {}

function required(env: NodeJS.ProcessEnv, name: string, example: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set; set it to ${example}`);
  return value;
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name}=${value} is not a URL`);
  }
  if (!protocols.includes(parsed.protocol))
    throw new ConfigError(`${name}=${value} must use ${protocols.join(" or ")}`);
  return value;
}

function database(env: NodeJS.ProcessEnv): Database {
  const databaseUrl = url(env, "DATABASE_URL", ["postgres:", "postgresql:"]);
  if (databaseUrl) return { kind: "url", url: databaseUrl };
  if (!env.DB_PROXY_ENDPOINT)
    throw new ConfigError(
      "neither DATABASE_URL nor DB_PROXY_ENDPOINT is set; set DATABASE_URL=postgres://user:password@host:5432/db, or DB_PROXY_ENDPOINT, DB_NAME and DB_USER for RDS Proxy with IAM",
    );
  const port = Number(env.DB_PORT ?? "5432");
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new ConfigError(`DB_PORT=${env.DB_PORT} must be a port number`);
  return {
    kind: "iam",
    host: env.DB_PROXY_ENDPOINT,
    port,
    database: required(env, "DB_NAME", "the database name"),
    user: required(env, "DB_USER", "the database user the function's role may rds-db:connect as"),
  };
}

/** loadConfig reads and checks the settings. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const timeout = Number(env.PARTNER_TIMEOUT_MS ?? "3000");
  if (!Number.isInteger(timeout) || timeout <= 0)
    throw new ConfigError(
      `PARTNER_TIMEOUT_MS=${env.PARTNER_TIMEOUT_MS} must be a positive whole number of milliseconds`,
    );
  return {
    database: database(env),
    noticesBucket: required(env, "NOTICES_BUCKET", "the bucket holding the consent notices"),
    noticeKey: env.NOTICE_KEY || "notices/current.json",
    partnerApiUrl: url(env, "PARTNER_API_URL", ["https:", "http:"]),
    partnerTimeoutMs: timeout,
    region: env.AWS_REGION || "us-east-1",
    awsEndpoint: url(env, "AWS_ENDPOINT_URL", ["https:", "http:"]),
  };
}
