/**
 * postgres is kit's PostgreSQL beside the cluster, for stacks whose AWS side is RDS (seed 004's
 * API): the official `postgres` image where Docker can pull, else PostgreSQL from Debian's own
 * packages on kit's base (kit/images/postgres), which reads the same variables. Data lives on a
 * named volume; ports are published on 127.0.0.1 only. Ready means `pg_isready` answers over TCP
 * inside the container, so a container still running its first-start initialization (which listens
 * on a socket only) is not ready yet.
 */

import { run } from "../../exec/index.ts";
import { ensureKitImage } from "../../images/kit-image.ts";
import type { ImageSource } from "../../images/source.ts";
import { loadVersions } from "../../versions.ts";
import { done, notYet, waitUntil } from "../../wait.ts";
import {
  connectToNetwork,
  type ManagedContainer,
  PROVIDER_LABEL,
  removeContainer,
  startManagedContainer,
  stopContainer,
} from "../container/index.ts";

/** POSTGRES_MAJOR is the PostgreSQL major version: Debian bookworm's, and the official image's tag. */
export const POSTGRES_MAJOR: string = loadVersions().postgres.major;
/** POSTGRES_UPSTREAM_IMAGE is the official image of the same major version, for upstream mode. */
export const POSTGRES_UPSTREAM_IMAGE: string = loadVersions().postgres.upstreamImage;
/** POSTGRES_PORT is the port PostgreSQL listens on inside its container. */
export const POSTGRES_PORT = 5432;
/** POSTGRES_COMPONENT is the component label of the PostgreSQL container. */
export const POSTGRES_COMPONENT = "postgres";

/** PostgresStartOptions configure one PostgreSQL server. */
export interface PostgresStartOptions {
  /** The environment's name: part of the container and volume names and their labels. */
  project: string;
  /** The database, and the user owning it. */
  database: string;
  user: string;
  /** The password of user. Published on 127.0.0.1 only, and the local environment's alone. */
  password: string;
  /** Host port to publish on; random when absent. */
  hostPort?: number;
  imageSource: ImageSource;
  /** Keep data on a named volume (default true); false gives a throwaway server for tests. */
  persistent?: boolean;
  /** A Docker network to run on, where other containers reach it by its container name. */
  network?: string;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

/** RunningPostgres is a started PostgreSQL and how to reach it. */
export interface RunningPostgres {
  /** DATABASE_URL for programs on the host. */
  url: string;
  /** DATABASE_URL for containers on the environment's network (the container's name as host). */
  networkUrl: string;
  host: string;
  hostPort: number;
  containerName: string;
  database: string;
  user: string;
  password: string;
  volume: string | undefined;
  reused: boolean;
  connectToNetwork(network: string): Promise<void>;
  stop(): Promise<void>;
  remove(options?: { volumes?: boolean }): Promise<void>;
}

/** postgresNames returns the container and volume names of an environment's PostgreSQL. */
export function postgresNames(project: string): { container: string; volume: string } {
  return { container: `kit-${project}-postgres`, volume: `kit-${project}-postgres-data` };
}

/** postgresUrl builds a DATABASE_URL (user and password URL-encoded). */
export function postgresUrl(
  host: string,
  port: number,
  db: { user: string; password: string; database: string },
): string {
  const auth = `${encodeURIComponent(db.user)}:${encodeURIComponent(db.password)}`;
  return `postgres://${auth}@${host}:${port}/${encodeURIComponent(db.database)}`;
}

/** startPostgres starts (or reuses) the environment's PostgreSQL and waits until it accepts TCP connections. */
export async function startPostgres(options: PostgresStartOptions): Promise<RunningPostgres> {
  const persistent = options.persistent ?? true;
  const names = postgresNames(options.project);
  const image =
    options.imageSource === "upstream"
      ? POSTGRES_UPSTREAM_IMAGE
      : await ensureKitImage("postgres", POSTGRES_MAJOR, { PG_MAJOR: POSTGRES_MAJOR }, options);
  const container = await startManagedContainer({
    name: names.container,
    image,
    project: options.project,
    component: POSTGRES_COMPONENT,
    port: POSTGRES_PORT,
    hostPort: options.hostPort,
    network: options.network,
    env: {
      POSTGRES_USER: options.user,
      POSTGRES_PASSWORD: options.password,
      POSTGRES_DB: options.database,
    },
    volume: persistent ? { name: names.volume, target: "/var/lib/postgresql/data" } : undefined,
    // Readiness is checked below with pg_isready, for a new and a reused container alike.
    waitStrategy: (await import("testcontainers")).Wait.forListeningPorts(),
    startupTimeoutMs: 120_000,
    labels: { [PROVIDER_LABEL]: options.imageSource === "upstream" ? "postgres" : "postgres-debian" },
  });
  await waitForPostgres(container, options);
  return runningPostgres(container, options, persistent ? names.volume : undefined);
}

/** waitForPostgres polls pg_isready over TCP inside the container until the server accepts connections. */
async function waitForPostgres(
  container: ManagedContainer,
  options: Pick<PostgresStartOptions, "user" | "database" | "signal">,
): Promise<void> {
  await waitUntil({
    what: `PostgreSQL in ${container.name} to accept connections`,
    timeoutMs: 120_000,
    intervalMs: 300,
    signal: options.signal,
    hint: `Look at its log: \`docker logs ${container.name}\`.`,
    async check(signal) {
      const args = ["exec", container.name, "pg_isready", "-h", "127.0.0.1", "-p", String(POSTGRES_PORT)];
      const result = await run("docker", [...args, "-U", options.user, "-d", options.database], {
        signal,
        allowFailure: true,
        timeoutMs: 10_000,
      });
      return result.exitCode === 0 ? done(undefined) : notYet((result.stdout + result.stderr).trim());
    },
  });
}

function runningPostgres(
  container: ManagedContainer,
  options: PostgresStartOptions,
  volume: string | undefined,
): RunningPostgres {
  const db = { user: options.user, password: options.password, database: options.database };
  return {
    url: postgresUrl(container.host, container.hostPort, db),
    networkUrl: postgresUrl(container.name, POSTGRES_PORT, db),
    host: container.host,
    hostPort: container.hostPort,
    containerName: container.name,
    ...db,
    volume,
    reused: container.reused,
    connectToNetwork: (network) => connectToNetwork(container.name, network),
    stop: () => stopContainer(container.name),
    remove: (opts) => removeContainer(container.name, opts?.volumes ? volume : undefined),
  };
}
