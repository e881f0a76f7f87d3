/**
 * names derives the name of everything kit creates for a project from kit.config.yaml's
 * `project`, so `up`, `down` and `status` agree without shared state.
 */
import { join } from "node:path";
import { cacheDir } from "../paths.ts";

/** EnvironmentNames are the names of the local environment's parts. */
export interface EnvironmentNames {
  cluster: string;
  registry: string;
  /** The namespace the apps are installed in. */
  namespace: string;
  kubeconfig: string;
  /** The Docker network kind puts its nodes on (containers join it to be reachable from pods). */
  network: string;
}

/** environmentNames returns the names for a project. */
export function environmentNames(project: string, env: NodeJS.ProcessEnv = process.env): EnvironmentNames {
  return {
    cluster: project,
    registry: `${project}-registry`,
    namespace: project,
    kubeconfig: join(cacheDir(env), "kind", project, "kubeconfig"),
    network: "kind",
  };
}
