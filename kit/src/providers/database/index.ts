/**
 * database is kit's MongoDB-compatible database beside the cluster. Two providers share one
 * interface (types.ts): `mongo`, the official image (for users whose Docker can pull), and
 * `ferretdb`, FerretDB v1 on SQLite built locally from the Go module proxy (where no registry
 * answers). `auto` follows the image source switch: upstream -> mongo, build -> ferretdb.
 */
import { UserError } from "../../errors.ts";
import { type ImageSource, type ImageSourceSetting, resolveImageSource } from "../../images/source.ts";
import { inspectContainer, PROVIDER_LABEL, removeKitContainers } from "../container/index.ts";
import { ferretdbProvider } from "./ferretdb/index.ts";
import { mongoProvider } from "./mongo/index.ts";
import { databaseNames, MONGO_PORT, mongoUrl } from "./running.ts";
import type {
  DatabaseProvider,
  DatabaseProviderName,
  DatabaseStartOptions,
  RunningDatabase,
} from "./types.ts";

export type {
  DatabaseProvider,
  DatabaseProviderName,
  DatabaseStartOptions,
  RunningDatabase,
} from "./types.ts";

/** DATABASE_PROVIDERS registers every provider by name. */
export const DATABASE_PROVIDERS: Record<DatabaseProviderName, DatabaseProvider> = {
  mongo: mongoProvider,
  ferretdb: ferretdbProvider,
};

/** DatabaseProviderSetting is what kit.config.yaml (database.provider) or KIT_DATABASE_PROVIDER may say. */
export type DatabaseProviderSetting = DatabaseProviderName | "auto";

/**
 * chooseDatabaseProvider resolves the setting (kit.config.yaml's, after KIT_DATABASE_PROVIDER; see
 * config/env-overrides.ts): auto follows the image source; mongo needs upstream images or a custom image.
 */
export function chooseDatabaseProvider(
  setting: DatabaseProviderSetting,
  imageSource: ImageSource,
  hasCustomImage: boolean,
): DatabaseProviderName {
  if (setting === "auto") return imageSource === "upstream" ? "mongo" : "ferretdb";
  if (setting === "mongo" && imageSource === "build" && !hasCustomImage) {
    throw new UserError(
      "The mongo database provider needs the official mongo image, but images are built locally here.",
      {
        hint: "Use database.provider: ferretdb (or auto), or set KIT_IMAGES_SOURCE=upstream where Docker can pull.",
      },
    );
  }
  return setting;
}

/** StartDatabaseOptions add the provider choice to the start options. */
export interface StartDatabaseOptions extends DatabaseStartOptions {
  provider?: DatabaseProviderSetting;
  /** Resolved when imageSource is absent; default auto. */
  imageSourceSetting?: ImageSourceSetting;
}

/** startDatabase starts (or reuses) the project's database and returns its URLs and controls. */
export async function startDatabase(options: StartDatabaseOptions = {}): Promise<RunningDatabase> {
  const imageSource = options.imageSource ?? (await resolveImageSource(options.imageSourceSetting ?? "auto"));
  const name = chooseDatabaseProvider(options.provider ?? "auto", imageSource, Boolean(options.image));
  return DATABASE_PROVIDERS[name].start({ ...options, imageSource });
}

/**
 * startTestDatabase starts a throwaway database (no volume) for tests under its own project name,
 * so it never touches a developer's `kit up` data; call remove() when done.
 */
export async function startTestDatabase(options: StartDatabaseOptions = {}): Promise<RunningDatabase> {
  return startDatabase({ project: `test-${process.pid}`, persistent: false, ...options });
}

/** DatabaseStatus is what `kit status` shows about the database. */
export interface DatabaseStatus {
  exists: boolean;
  running: boolean;
  provider?: string;
  /** MONGODB_URL for the host, when running. */
  url?: string;
}

/** databaseStatus says whether the project's database container exists and runs, and its host URL. */
export async function databaseStatus(project: string, database = "app"): Promise<DatabaseStatus> {
  const info = await inspectContainer(databaseNames(project, "mongo").container);
  if (!info) return { exists: false, running: false };
  const provider = info.Config.Labels?.[PROVIDER_LABEL];
  const hostPort = info.NetworkSettings.Ports[`${MONGO_PORT}/tcp`]?.find((b) => b.HostPort)?.HostPort;
  return {
    exists: true,
    running: info.State.Running,
    provider,
    url: info.State.Running && hostPort ? mongoUrl("127.0.0.1", Number(hostPort), database) : undefined,
  };
}

/** removeDatabases removes every kit database container of a project (and volumes with volumes: true). */
export async function removeDatabases(project: string, options: { volumes?: boolean } = {}): Promise<void> {
  await removeKitContainers({ project, component: "database", volumes: options.volumes });
}
