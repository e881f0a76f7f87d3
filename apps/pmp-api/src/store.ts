// store is the preferences table (migrations/), through one small pg pool per Lambda instance:
// RDS Proxy multiplexes the instances' connections onto few database connections on AWS.
import { Signer } from "@aws-sdk/rds-signer";
import pg from "pg";
import type { Database } from "./config.ts";

/** Preferences is one user's row. */
export interface Preferences {
  userId: string;
  choices: Record<string, unknown>;
  noticeVersion: string | null;
  updatedAt: string;
}

/** PreferenceStore reads and writes preferences. */
export interface PreferenceStore {
  get(userId: string): Promise<Preferences | undefined>;
  put(userId: string, choices: Record<string, unknown>, noticeVersion: string): Promise<Preferences>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

interface Row {
  user_id: string;
  choices: Record<string, unknown>;
  notice_version: string | null;
  updated_at: Date;
}

function fromRow(row: Row): Preferences {
  return {
    userId: row.user_id,
    choices: row.choices,
    noticeVersion: row.notice_version,
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * poolConfig is pg's configuration for a database: a URL as it is; RDS Proxy with TLS and a fresh
 * IAM token for each new connection (a token is valid 15 minutes; pg asks for the password when
 * it connects).
 */
export function poolConfig(database: Database, region: string): pg.PoolConfig {
  const common = { max: 2, idleTimeoutMillis: 60_000 };
  if (database.kind === "url") return { ...common, connectionString: database.url };
  const signer = new Signer({
    hostname: database.host,
    port: database.port,
    username: database.user,
    region,
  });
  return {
    ...common,
    host: database.host,
    port: database.port,
    database: database.database,
    user: database.user,
    password: () => signer.getAuthToken(),
    // Verified with RDS's CAs: serverless.yml sets NODE_EXTRA_CA_CERTS to the runtime's bundle.
    ssl: { rejectUnauthorized: true },
  };
}

/** createPgStore opens a pool of at most two connections (one Lambda instance serves one request at a time). */
export function createPgStore(config: pg.PoolConfig): PreferenceStore {
  const pool = new pg.Pool(config);
  return {
    async get(userId) {
      const { rows } = await pool.query<Row>("SELECT * FROM preferences WHERE user_id = $1", [userId]);
      return rows[0] && fromRow(rows[0]);
    },
    async put(userId, choices, noticeVersion) {
      const { rows } = await pool.query<Row>(
        `INSERT INTO preferences (user_id, choices, notice_version) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET choices = $2, notice_version = $3, updated_at = now()
         RETURNING *`,
        [userId, JSON.stringify(choices), noticeVersion],
      );
      return fromRow(rows[0] as Row);
    },
    async ping() {
      await pool.query("SELECT 1");
    },
    close: () => pool.end(),
  };
}
