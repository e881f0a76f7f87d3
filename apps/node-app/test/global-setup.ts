import { MongoClient } from "mongodb";

const HOW_TO =
  "The node-app tests need a real MongoDB-compatible database. From the repository root, `npm test` starts one " +
  "through kit's database provider and passes MONGODB_URL. To run them here by hand, start MongoDB or FerretDB " +
  "(for example `docker run -d -p 27017:27017 mongo:8`) and run `MONGODB_URL=mongodb://127.0.0.1:27017/ npm test`.";

/** setup fails the whole run, loudly, when there is no database to test against. */
export default async function setup(): Promise<void> {
  const url = process.env.MONGODB_URL;
  if (!url) throw new Error(`MONGODB_URL is not set. ${HOW_TO}`);
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.db("admin").command({ ping: 1 });
  } catch (err) {
    throw new Error(`MONGODB_URL does not answer a ping (${(err as Error).message}). ${HOW_TO}`);
  } finally {
    await client.close();
  }
}
