/**
 * names derives the name of everything kit creates for a local environment from the environment's
 * name (kit.config.yaml's `project` unless named otherwise: --env-name, KIT_ENV_NAME,
 * environments.local.name), so `up`, `down` and `status` agree without shared state, and two
 * environments never share a container, volume, cluster or state file.
 */
import { join } from "node:path";
import { environmentDir } from "../paths.ts";

/** EnvironmentNames are the names of the local environment's parts. */
export interface EnvironmentNames {
  /** The environment's name; also the value of kit's project label on its containers and volumes. */
  environment: string;
  cluster: string;
  registry: string;
  /** The namespace the apps are installed in. */
  namespace: string;
  kubeconfig: string;
  /** The Docker network kind puts its nodes on (containers join it to be reachable from pods). */
  network: string;
}

/** environmentNames returns the names for an environment. */
export function environmentNames(name: string, env: NodeJS.ProcessEnv = process.env): EnvironmentNames {
  return {
    environment: name,
    cluster: name,
    registry: `${name}-registry`,
    namespace: name,
    kubeconfig: kindKubeconfigPath(name, env),
    // kind's own network, shared by every kind cluster on the machine; containers on it are named per environment.
    network: "kind",
  };
}

/** kindKubeconfigPath is where kind writes the kubeconfig of the environment's cluster. */
export function kindKubeconfigPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(environmentDir(name, env), "kubeconfig");
}
