/**
 * up-deps wires the up plan to the real world: kit doctor, Docker, kind and the local registry,
 * the emulator and database containers, the Terraform sandbox, Helm, the host's ports and HTTP.
 */
import { realDevSyncDeps } from "../dev/sync/deps.ts";
import { runPlan } from "../engine/runner.ts";
import { registryManifestDigest } from "../images/registry-client.ts";
import { startAwsEmulator } from "../providers/aws/index.ts";
import { connectLocalRegistry, ensureClusterOnly, ensureLocalRegistry } from "../providers/cluster/index.ts";
import { startManagedContainer } from "../providers/container/index.ts";
import { startDatabase } from "../providers/database/index.ts";
import { startPostgres } from "../providers/postgres/index.ts";
import { pushImage } from "../providers/registry/index.ts";
import { loadVersions } from "../tools/catalog.ts";
import { fileVersionMemo } from "../tools/doctor/version-memo.ts";
import { helmCli } from "../tools/helm/client.ts";
import { findTerraformBinary, resolveTerraformBinary } from "../tools/terraform/binary.ts";
import { ensureProviderMirror, providerMirrorReady } from "../tools/terraform/mirror.ts";
import { realAppImageDeps } from "./app-image.ts";
import { checkTools, doctorPlan } from "./doctor.ts";
import { findPortHolder } from "./ports.ts";
import { readReleaseRecord, releaseInputsHash, writeReleaseRecord } from "./release-state.ts";
import { applyLocalTerraform, unchangedLocalTerraform } from "./terraform-local.ts";
import type { UpDeps } from "./up.ts";
import { waitForHttpReady } from "./wait.ts";

/** realUpDeps are the dependencies `kit up` runs with. */
export function realUpDeps(): UpDeps {
  const versions = loadVersions();
  return {
    async checkTools(signal) {
      // The memo spares a process per unchanged binary on every kit up; kit doctor asks each one.
      const memo = fileVersionMemo();
      const checks = await checkTools(versions, signal, memo);
      await memo.save().catch(() => undefined);
      return checks;
    },
    containers: { startContainer: (spec) => startManagedContainer(spec) },
    fixTools: ({ signal, sink }) => runPlan(doctorPlan({ fix: true, versions }), { signal, sink }),
    findPortHolder,
    images: realAppImageDeps,
    ensureLocalRegistry,
    ensureClusterOnly,
    connectLocalRegistry,
    startAwsEmulator,
    startDatabase,
    startPostgres,
    registryManifestDigest,
    pushImage,
    providerMirrorReady: () => providerMirrorReady(),
    findTerraformBinary: (setting) => findTerraformBinary(setting),
    ensureProviderMirror,
    resolveTerraformBinary,
    unchangedLocalTerraform,
    applyLocalTerraform,
    helm: helmCli,
    releaseInputsHash,
    readReleaseRecord,
    writeReleaseRecord,
    waitForHttpReady,
    devSync: realDevSyncDeps(),
  };
}
