// migrate applies migrations/ (node-pg-migrate, SQL files) to a database, under node-pg-migrate's
// advisory lock, so two runners at once apply each migration once. The pipeline runs the same
// migrations with `npm run migrate -- up`; kit's local gateway runs this before it serves.
import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";

/** MIGRATIONS_DIR is the folder of SQL migrations beside dist/ and src/. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations", import.meta.url));

/** migrateUp applies every pending migration and returns the names it applied. */
export async function migrateUp(
  databaseUrl: string,
  log: (line: string) => void = () => {},
): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: "up",
    migrationsTable: "pgmigrations",
    checkOrder: true,
    log,
  });
  return applied.map((m) => m.name);
}
