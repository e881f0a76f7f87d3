/**
 * helm is kit's thin typed wrapper over the helm CLI (the stable interface for releases), asking
 * for JSON wherever helm offers it. The commands live in client.ts (createHelmCli, with an
 * injectable Execer); these functions are the real helm's, for callers that need one call.
 */
import type { ClusterRef } from "../../providers/cluster/types.ts";
import type { UpgradeRequest } from "./args.ts";
import { helmCli } from "./client.ts";

export { type HelmRelease, type UpgradeRequest, upgradeArgs, writeComputedValues } from "./args.ts";

/** getRelease returns the release, or undefined when it is not installed. */
export const getRelease = (cluster: ClusterRef, namespace: string, release: string, signal?: AbortSignal) =>
  helmCli.getRelease(cluster, namespace, release, signal);

/** getValues returns the user-supplied values of a release's current revision. */
export const getValues = (cluster: ClusterRef, namespace: string, release: string, signal?: AbortSignal) =>
  helmCli.getValues(cluster, namespace, release, signal);

/** upgrade runs `helm upgrade --install` and waits for the rollout. */
export const upgrade = (
  cluster: ClusterRef,
  req: UpgradeRequest,
  options: { signal?: AbortSignal; onLine?: (line: string) => void } = {},
) => helmCli.upgrade(cluster, req, options);

/** uninstall removes a release if it exists. */
export const uninstall = (cluster: ClusterRef, namespace: string, release: string, signal?: AbortSignal) =>
  helmCli.uninstall(cluster, namespace, release, signal);
