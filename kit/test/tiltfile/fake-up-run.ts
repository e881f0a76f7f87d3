/**
 * fake-up-run writes the `.kit/endpoints.json` a `kit up` of the repository's kit.config.yaml would
 * write, through kit's own recorder, from the events its up plan publishes, with made-up values
 * for the parts (registry, cluster, emulator, database, pushed digests, Terraform outputs) that a
 * real run would report. The releases are computed by up's own appReleaseSpec.
 */
import { join } from "node:path";
import { resolveLocalEnvironment } from "../../src/config/environment.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { KitConfig } from "../../src/config/schema.ts";
import type { KitEvent } from "../../src/engine/events.ts";
import { endpointsRecorder, helmReleaseData } from "../../src/plans/endpoints.ts";
import { environmentNames } from "../../src/plans/names.ts";
import { type AppReleaseSpec, appReleaseSpec } from "../../src/plans/up-release.ts";
import { REPO_ROOT } from "../support/cli.ts";

/** FakeUpRun is what the fake run published and where it wrote. */
export interface FakeUpRun {
  config: KitConfig;
  environmentName: string;
  kubeContext: string;
  kubeconfig: string;
  namespace: string;
  registry: string;
  releases: Record<string, AppReleaseSpec>;
  appUrls: Record<string, string>;
}

/** writeFakeUpEndpoints writes the endpoints (and computed values files) into root/.kit as kit up does. */
export async function writeFakeUpEndpoints(root: string, environmentName: string): Promise<FakeUpRun> {
  const loaded = await loadConfig(join(REPO_ROOT, "kit.config.yaml"));
  const { config } = resolveLocalEnvironment(loaded, { envName: environmentName, portOffset: "100" }, {});
  const names = environmentNames(environmentName);
  const registry = `localhost:${config.registry.hostPort}`;
  const run: FakeUpRun = {
    config,
    environmentName,
    kubeContext: `kind-${names.cluster}`,
    kubeconfig: names.kubeconfig,
    namespace: names.namespace,
    registry,
    releases: {},
    appUrls: {},
  };
  const outputs: Record<string, string> = {
    registry,
    kubeContext: run.kubeContext,
    kubeconfig: run.kubeconfig,
    namespace: run.namespace,
    awsEndpoint: `http://127.0.0.1:${config.aws.hostPort}`,
    mongodbUrl: `mongodb://127.0.0.1:${config.database.hostPort}/${config.database.name}`,
    mongodbClusterUrl: `mongodb://${environmentName}-mongo:27017/${config.database.name}`,
  };
  const events: KitEvent[] = [];
  for (const [name, app] of Object.entries(config.apps)) {
    const spec = appReleaseSpec({
      name,
      app,
      namespace: names.namespace,
      clusterProvider: config.cluster.provider,
      pushed: { ref: `${registry}/${app.image}:0123abcd4567`, digest: `sha256:${"ab".repeat(32)}` },
      registry,
      database: { clusterUrl: outputs.mongodbClusterUrl as string },
      emulator: { clusterEndpoint: `http://${environmentName}-moto:5000`, region: config.aws.region },
      terraform: { orders_queue_url: "http://sqs.us-east-1.localhost:4566/000000000000/orders,a=b" },
    });
    run.releases[name] = spec;
    run.appUrls[name] = `http://127.0.0.1:${app.hostPort}`;
    outputs[`url:${name}`] = run.appUrls[name];
    events.push({ type: "step-data", time: 0, step: `deploy:${name}`, data: helmReleaseData(name, spec) });
  }
  for (const [key, value] of Object.entries(outputs)) {
    events.push({ type: "plan-output", time: 0, key, label: key, value });
  }
  const recorder = endpointsRecorder(root, {
    name: environmentName,
    endpointsFile: join(root, "environment-state", "endpoints.json"),
  });
  for (const event of events) recorder.sink(event);
  const written = await recorder.write();
  if (!written.written)
    throw new Error(`the fake run's endpoints were not written: ${written.missing.join("; ")}`);
  return run;
}
