/**
 * ferretdb runs FerretDB v1 with its SQLite backend: a MongoDB wire-protocol server kit builds
 * from the Go module proxy, for machines where no registry serves the `mongo` image. Data lives in
 * SQLite files on a named volume at /state.
 */
import { PROVIDER_LABEL, startManagedContainer } from "../../container/index.ts";
import { waitForMongo } from "../ready.ts";
import { databaseNames, MONGO_PORT, runningDatabase } from "../running.ts";
import type { DatabaseProvider, DatabaseStartOptions, RunningDatabase } from "../types.ts";
import { ensureFerretdbImage, FERRETDB_VERSION } from "./build.ts";

/** FERRETDB_UPSTREAM_IMAGE is FerretDB's published image of the same release, for upstream mode. */
export const FERRETDB_UPSTREAM_IMAGE = `ghcr.io/ferretdb/ferretdb:${FERRETDB_VERSION.replace(/^v/, "")}`;

/** FERRETDB_UNSUPPORTED lists what FerretDB v1 lacks that MongoDB has (see README.md). */
export const FERRETDB_UNSUPPORTED = [
  "multi-document transactions (sessions with startTransaction)",
  "change streams (watch)",
  "$lookup and most other join/graph aggregation stages",
] as const;

/** ferretdbProvider starts FerretDB (SQLite backend) through testcontainers' GenericContainer. */
export const ferretdbProvider: DatabaseProvider = {
  name: "ferretdb",
  async start(options: DatabaseStartOptions = {}): Promise<RunningDatabase> {
    const project = options.project ?? "kit";
    const database = options.database ?? "app";
    const persistent = options.persistent ?? true;
    const image =
      options.image ??
      (options.imageSource === "upstream" ? FERRETDB_UPSTREAM_IMAGE : await ensureFerretdbImage(options));
    const names = databaseNames(project, "ferretdb");
    const container = await startManagedContainer({
      name: names.container,
      image,
      project,
      component: "database",
      port: MONGO_PORT,
      hostPort: options.hostPort,
      env: {
        FERRETDB_HANDLER: "sqlite",
        FERRETDB_SQLITE_URL: "file:/state/",
        FERRETDB_STATE_DIR: "/state",
        FERRETDB_LISTEN_ADDR: `:${MONGO_PORT}`,
        FERRETDB_TELEMETRY: "disable",
      },
      volume: persistent ? { name: names.volume, target: "/state" } : undefined,
      waitStrategy: (await import("testcontainers")).Wait.forLogMessage(/Listening on/),
      startupTimeoutMs: 60_000,
      labels: { [PROVIDER_LABEL]: "ferretdb" },
    });
    const db = runningDatabase(
      "ferretdb",
      container,
      database,
      persistent ? names.volume : undefined,
      FERRETDB_UNSUPPORTED,
    );
    await waitForMongo(db.url, { signal: options.signal });
    return db;
  },
};
