/**
 * support holds what the end-to-end tests of kit up/down share beyond kit/test/support: a
 * snapshot of Docker's containers, networks and volumes. Running kit goes through
 * kit/test/support/test-environment.ts, so no test acts on the user's own environment.
 */
import { run } from "../../src/exec/index.ts";

export { httpText, jsonEvents, REPO_ROOT as ROOT } from "../support/cli.ts";

/** DockerSnapshot is the names of every container, network and volume. */
export interface DockerSnapshot {
  containers: string[];
  networks: string[];
  volumes: string[];
}

async function lines(args: string[]): Promise<string[]> {
  const { stdout } = await run("docker", args);
  return stdout.split("\n").filter(Boolean).sort();
}

/** dockerSnapshot lists what exists now (`docker ps -a`, `docker network ls`, `docker volume ls`). */
export async function dockerSnapshot(): Promise<DockerSnapshot> {
  return {
    containers: await lines(["ps", "-a", "--format", "{{.Names}}"]),
    networks: await lines(["network", "ls", "--format", "{{.Name}}"]),
    volumes: await lines(["volume", "ls", "--format", "{{.Name}}"]),
  };
}
