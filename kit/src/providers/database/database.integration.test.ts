import { MongoClient, MongoServerError } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import { readEnvOverrides } from "../../config/env-overrides.ts";
import { ensureBaseImage } from "../../images/base.ts";
import { docker } from "../../tools/docker.ts";
import { type RunningDatabase, removeDatabases, startDatabase, startTestDatabase } from "./index.ts";

// Runs the provider the image source switch picks: the official mongo image where Docker can pull,
// FerretDB built from the Go module proxy where no registry answers (as on kit's build machine).
// KIT_IMAGES_SOURCE, KIT_DATABASE_PROVIDER and KIT_DATABASE_IMAGE choose as they do for kit up.
const overrides = readEnvOverrides(process.env);
const fromEnv = {
  provider: overrides.databaseProvider,
  image: overrides.databaseImage,
  imageSourceSetting: overrides.imagesSource,
};

describe("database provider", () => {
  const started: RunningDatabase[] = [];
  const project = `persist-${process.pid}`;
  afterAll(async () => {
    for (const db of started) await db.remove({ volumes: true });
    // Also whatever a failed start left behind, found by kit's labels.
    await removeDatabases(project, { volumes: true });
    await removeDatabases(`test-${process.pid}`, { volumes: true });
  });

  it("serves inserts, a unique index, queries and deletes to the official driver", async () => {
    const db = await startTestDatabase(fromEnv);
    started.push(db);
    expect(db.url).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/app\?directConnection=true$/);
    expect(db.clusterUrl).toBe(`mongodb://${db.containerName}:27017/app?directConnection=true`);
    const client = await MongoClient.connect(db.url);
    try {
      const orders = client.db().collection<{ sku: string; qty: number }>("orders");
      await orders.insertMany([
        { sku: "a-1", qty: 2 },
        { sku: "b-2", qty: 5 },
      ]);
      await orders.createIndex({ sku: 1 }, { unique: true });
      const duplicate = await orders.insertOne({ sku: "a-1", qty: 9 }).catch((err: unknown) => err);
      expect(duplicate).toBeInstanceOf(MongoServerError);
      expect((duplicate as MongoServerError).code).toBe(11000);
      const big = await orders.find({ qty: { $gt: 3 } }).toArray();
      expect(big.map((o) => o.sku)).toEqual(["b-2"]);
      const deleted = await orders.deleteOne({ sku: "a-1" });
      expect(deleted.deletedCount).toBe(1);
      expect(await orders.countDocuments()).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("lacks exactly the features it declares unsupported ($lookup, transactions, change streams)", async () => {
    const db = started[0];
    if (!db) throw new Error("the first test did not start a database");
    const client = await MongoClient.connect(db.url);
    try {
      const col = client.db().collection("gaps");
      await col.insertOne({ x: 1 });
      const works = async (fn: () => Promise<unknown>): Promise<boolean> =>
        fn().then(
          () => true,
          () => false,
        );
      const outcome = {
        lookup: await works(() =>
          col
            .aggregate([{ $lookup: { from: "other", localField: "x", foreignField: "x", as: "j" } }])
            .toArray(),
        ),
        transactions: await works(async () => {
          const session = client.startSession();
          try {
            await session.withTransaction(async () => {
              await col.insertOne({ y: 1 }, { session });
            });
          } finally {
            await session.endSession();
          }
        }),
        changeStreams: await works(async () => {
          const stream = col.watch();
          try {
            await stream.tryNext();
          } finally {
            await stream.close();
          }
        }),
      };
      const declared = db.unsupported.join(" ");
      expect(outcome).toEqual({
        lookup: !declared.includes("$lookup"),
        transactions: !declared.includes("transactions"),
        changeStreams: !declared.includes("change streams"),
      });
    } finally {
      await client.close();
    }
  });

  it("keeps data on its labelled volume across restarts until removed with volumes", async () => {
    const first = await startDatabase({ ...fromEnv, project });
    started.push(first);
    expect(first.volume).toBe(`kit-${project}-database-${first.provider}`);
    const labels = JSON.parse(
      await docker(["volume", "inspect", "--format", "{{json .Labels}}", first.volume ?? ""]),
    );
    expect(labels).toMatchObject({ "dev.kit.managed": "true", "dev.kit.project": project });
    let client = await MongoClient.connect(first.url);
    await client
      .db()
      .collection("kept")
      .insertOne({ _id: "k" as never, v: 1 });
    await client.close();

    // Same inputs: the running container is reused.
    const again = await startDatabase({ ...fromEnv, project });
    expect(again.reused).toBe(true);
    expect(again.containerId).toBe(first.containerId);

    // Container gone, volume kept: a new container finds the data.
    await first.remove();
    const second = await startDatabase({ ...fromEnv, project });
    started.push(second);
    expect(second.reused).toBe(false);
    client = await MongoClient.connect(second.url);
    expect(
      await client
        .db()
        .collection("kept")
        .findOne({ _id: "k" as never }),
    ).toMatchObject({ v: 1 });
    await client.close();

    await second.remove({ volumes: true });
    const volumes = await docker(["volume", "ls", "-q", "--filter", `name=^${second.volume}$`]);
    expect(volumes.trim()).toBe("");
  });

  it("attaches to a Docker network where other containers reach it by name", async () => {
    const db = started[0];
    if (!db) throw new Error("the first test did not start a database");
    const network = `kit-test-net-${process.pid}`;
    await docker(["network", "create", "--label", "dev.kit.managed=true", network]);
    try {
      await db.connectToNetwork(network);
      await db.connectToNetwork(network); // idempotent
      const { ref } = await ensureBaseImage();
      const probe = `exec 3<>/dev/tcp/${db.containerName}/27017 && echo reached`;
      const out = await docker([
        "run",
        "--rm",
        "--network",
        network,
        "--label",
        "dev.kit.managed=true",
        ref,
        "bash",
        "-c",
        probe,
      ]);
      expect(out.trim()).toBe("reached");
    } finally {
      await docker(["network", "disconnect", "-f", network, db.containerName]).catch(() => undefined);
      await docker(["network", "rm", network]);
    }
  });
});
