// store is the preferences table (migrations/), through one small pg pool per Lambda instance:
// RDS Proxy multiplexes the instances' connections onto few database connections on AWS.
import pg from "pg";

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

/** createPgStore opens a pool of at most two connections (one Lambda instance serves one request at a time). */
export function createPgStore(databaseUrl: string): PreferenceStore {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, idleTimeoutMillis: 60_000 });
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
