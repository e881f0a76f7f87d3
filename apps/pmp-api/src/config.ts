// config reads the Lambda's settings from its environment (serverless.yml sets them on AWS; kit
// sets them locally). A missing or malformed setting is a ConfigError naming the variable.

/** Config is every setting of the handler. */
export interface Config {
  /** PostgreSQL: through RDS Proxy on AWS, kit's PostgreSQL locally. */
  databaseUrl: string;
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

/** loadConfig reads and checks the settings. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const databaseUrl = url(env, "DATABASE_URL", ["postgres:", "postgresql:"]);
  if (!databaseUrl)
    throw new ConfigError("DATABASE_URL is not set; set it to postgres://user:password@host:5432/database");
  const timeout = Number(env.PARTNER_TIMEOUT_MS ?? "3000");
  if (!Number.isInteger(timeout) || timeout <= 0)
    throw new ConfigError(
      `PARTNER_TIMEOUT_MS=${env.PARTNER_TIMEOUT_MS} must be a positive whole number of milliseconds`,
    );
  return {
    databaseUrl,
    noticesBucket: required(env, "NOTICES_BUCKET", "the bucket holding the consent notices"),
    noticeKey: env.NOTICE_KEY || "notices/current.json",
    partnerApiUrl: url(env, "PARTNER_API_URL", ["https:", "http:"]),
    partnerTimeoutMs: timeout,
    region: env.AWS_REGION || "us-east-1",
    awsEndpoint: url(env, "AWS_ENDPOINT_URL", ["https:", "http:"]),
  };
}
