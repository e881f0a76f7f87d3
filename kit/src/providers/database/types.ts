/**
 * types is the one interface every database provider implements: start a MongoDB-compatible
 * server beside the cluster and say how the host and the pods reach it.
 */

/** DatabaseProviderName lists the providers: the official mongo image, or FerretDB built locally. */
export type DatabaseProviderName = "mongo" | "ferretdb";

/** DatabaseStartOptions configure one database. */
export interface DatabaseStartOptions {
  /** Project (environment) name: part of the container and volume names and their labels. Default "kit". */
  project?: string;
  /** Host port to publish the database on (kit.config.yaml database.hostPort); random when absent. */
  hostPort?: number;
  /** Database name put in the URLs. Default "app". */
  database?: string;
  /** Image to run instead of the provider's default (upstream tag or a locally built tag). */
  image?: string;
  /** "upstream" runs published images, "build" makes them locally; resolved by images/source.ts. */
  imageSource?: "upstream" | "build";
  /** Keep data on a named volume (default true); false gives a throwaway database for tests. */
  persistent?: boolean;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

/** RunningDatabase is a started database and how to reach it. */
export interface RunningDatabase {
  provider: DatabaseProviderName;
  /** MONGODB_URL for programs on the host. */
  url: string;
  /**
   * MONGODB_URL for pods in the kind cluster: the container's name, resolvable once the container
   * is attached to the cluster's Docker network with connectToNetwork("kind").
   */
  clusterUrl: string;
  containerName: string;
  containerId: string;
  /** The named volume holding the data, when persistent. */
  volume: string | undefined;
  /** true when the container of an earlier run was reused (its data kept). */
  reused: boolean;
  /** Features this server lacks that apps must not rely on (empty for mongo). */
  unsupported: readonly string[];
  /** connectToNetwork attaches the container to a Docker network, e.g. kind's `kind` network. */
  connectToNetwork(network: string): Promise<void>;
  /** stop stops the container, keeping it and its data. */
  stop(): Promise<void>;
  /** remove removes the container, and its volume with { volumes: true }. */
  remove(options?: { volumes?: boolean }): Promise<void>;
}

/** DatabaseProvider starts one kind of database. */
export interface DatabaseProvider {
  name: DatabaseProviderName;
  start(options?: DatabaseStartOptions): Promise<RunningDatabase>;
}
