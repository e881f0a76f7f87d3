import pg from "pg";

const HOW_TO =
  "The pmp-api tests need a real PostgreSQL and S3 API. From the repository root, `npm test` starts kit's " +
  "PostgreSQL and AWS emulator for them and passes DATABASE_URL and AWS_ENDPOINT_URL. By hand: " +
  "`npx tsx ../../scripts/with-test-services.ts --postgres --aws -- npm test`.";

/** setup fails the whole run, loudly, when there is no database or S3 to test against. */
export default async function setup(): Promise<void> {
  for (const name of ["DATABASE_URL", "AWS_ENDPOINT_URL"])
    if (!process.env[name]) throw new Error(`${name} is not set. ${HOW_TO}`);
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    throw new Error(`PostgreSQL at DATABASE_URL does not answer (${(err as Error).message}). ${HOW_TO}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
