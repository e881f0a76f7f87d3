/**
 * ready waits until a MongoDB-compatible server answers a real `ping` (and a `listCollections`,
 * which FerretDB serves from its backend, so the storage is up too), with a deadline.
 */
import { KitError } from "../../errors.ts";

/** waitForMongo polls url with the official driver until ping and listCollections succeed. */
export async function waitForMongo(
  url: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ ms: number }> {
  // The driver is loaded when a database is checked, not with every kit command.
  const { MongoClient } = await import("mongodb");
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 60_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    options.signal?.throwIfAborted();
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 2_000, connectTimeoutMS: 2_000 });
    try {
      await client.connect();
      const db = client.db();
      await db.command({ ping: 1 });
      await db.listCollections({}, { nameOnly: true }).toArray();
      return { ms: Date.now() - started };
    } catch (err) {
      lastError = err;
    } finally {
      await client.close().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new KitError(
    "external",
    `The database at ${url} did not answer ping within ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s: ${String(lastError)}`,
    {
      hint: "Look at the container's log (`docker logs <name>`) for why it did not start.",
      cause: lastError,
    },
  );
}
