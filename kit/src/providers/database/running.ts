/**
 * running turns a started kit-managed container into the RunningDatabase handle both providers return.
 */
import {
  connectToNetwork,
  type ManagedContainer,
  removeContainer,
  stopContainer,
} from "../container/index.ts";
import type { DatabaseProviderName, RunningDatabase } from "./types.ts";

/** MONGO_PORT is the port every MongoDB-compatible server listens on inside its container. */
export const MONGO_PORT = 27017;

/** databaseNames returns the container and volume names of a project's database. */
export function databaseNames(
  project: string,
  provider: DatabaseProviderName,
): { container: string; volume: string } {
  return { container: `kit-${project}-database`, volume: `kit-${project}-database-${provider}` };
}

/** mongoUrl builds a MONGODB_URL; directConnection keeps drivers from chasing replica-set hostnames. */
export function mongoUrl(host: string, port: number, database: string): string {
  return `mongodb://${host}:${port}/${database}?directConnection=true`;
}

/** runningDatabase wraps a container as a RunningDatabase. */
export function runningDatabase(
  provider: DatabaseProviderName,
  container: ManagedContainer,
  database: string,
  volume: string | undefined,
  unsupported: readonly string[],
): RunningDatabase {
  return {
    provider,
    url: mongoUrl(container.host, container.hostPort, database),
    clusterUrl: mongoUrl(container.name, MONGO_PORT, database),
    containerName: container.name,
    containerId: container.id,
    volume,
    reused: container.reused,
    unsupported,
    connectToNetwork: (network) => connectToNetwork(container.name, network),
    stop: () => stopContainer(container.name),
    remove: (options) => removeContainer(container.name, options?.volumes ? volume : undefined),
  };
}
