/**
 * mongo runs the official `mongo` image through @testcontainers/mongodb (a one-member replica
 * set, so transactions and change streams work), for users whose Docker can pull images.
 */
import { MongoDBContainer } from "@testcontainers/mongodb";
import { loadVersions } from "../../../versions.ts";
import { PROVIDER_LABEL, startManagedContainer } from "../../container/index.ts";
import { waitForMongo } from "../ready.ts";
import { databaseNames, MONGO_PORT, runningDatabase } from "../running.ts";
import type { DatabaseProvider, DatabaseStartOptions, RunningDatabase } from "../types.ts";

/** MONGO_IMAGE is the pinned official image. */
export const MONGO_IMAGE: string = loadVersions().mongo.upstreamImage;

/** mongoProvider starts the official mongo image. */
export const mongoProvider: DatabaseProvider = {
  name: "mongo",
  async start(options: DatabaseStartOptions = {}): Promise<RunningDatabase> {
    const project = options.project ?? "kit";
    const database = options.database ?? "app";
    const persistent = options.persistent ?? true;
    const names = databaseNames(project, "mongo");
    const container = await startManagedContainer(
      {
        name: names.container,
        image: options.image ?? MONGO_IMAGE,
        project,
        component: "database",
        port: MONGO_PORT,
        hostPort: options.hostPort,
        volume: persistent ? { name: names.volume, target: "/data/db" } : undefined,
        startupTimeoutMs: 120_000,
        labels: { [PROVIDER_LABEL]: "mongo" },
      },
      (image) => new MongoDBContainer(image),
    );
    const db = runningDatabase("mongo", container, database, persistent ? names.volume : undefined, []);
    await waitForMongo(db.url, { signal: options.signal });
    return db;
  },
};
