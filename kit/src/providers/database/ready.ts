/**
 * ready waits until a MongoDB-compatible server answers a real `ping` (and a `listCollections`,
 * which FerretDB serves from its backend, so the storage is up too), with kit's one wait (wait.ts).
 */
import { done, waitUntil } from "../../wait.ts";

/** waitForMongo polls url with the official driver until ping and listCollections succeed. */
export async function waitForMongo(
  url: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ ms: number }> {
  // The driver is loaded when a database is checked, not with every kit command.
  const { MongoClient } = await import("mongodb");
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 60_000;
  await waitUntil({
    what: `the database at ${url} to answer ping`,
    timeoutMs,
    intervalMs: 250,
    signal: options.signal,
    hint: "Look at the container's log (`docker logs <name>`) for why it did not start.",
    async check() {
      const client = new MongoClient(url, { serverSelectionTimeoutMS: 2_000, connectTimeoutMS: 2_000 });
      try {
        await client.connect();
        const db = client.db();
        await db.command({ ping: 1 });
        await db.listCollections({}, { nameOnly: true }).toArray();
        return done(undefined);
      } finally {
        await client.close().catch(() => undefined);
      }
    },
  });
  return { ms: Date.now() - started };
}
