/**
 * promote-standin prepares what `kit promote` needs to run here, with no AWS account and no image
 * registry: a test environment of its own (the gate: kind, registry, moto, database; go-app up) and
 * a stand-in for an AWS environment (test/support/standin.ts), declared in the checkout's
 * kit.config.yaml as the environment `standin`: its Terraform (fixtures/terraform, copied to
 * terraform/environments/standin) applies to the test environment's emulator, its registry plays
 * ECR, its Ingress is the entry point. Used by the promote integration test and bench/promote.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import { parse, stringify } from "yaml";
import type { RunResult } from "../../src/exec/index.ts";
import { binDir } from "../../src/paths.ts";
import { ensureGoTool } from "../../src/tools/catalog.ts";
import { requireDocker } from "../../src/tools/docker.ts";
import { ensureStandin, type Standin } from "./standin.ts";
import { createTestEnvironment, type TestEnvironment } from "./test-environment.ts";

const FIXTURES = join(import.meta.dirname, "..", "promote", "fixtures");
/** moto answers STS GetCallerIdentity with this account. */
export const EMULATOR_ACCOUNT = "123456789012";
/** The stand-in's name in kit.config.yaml. */
export const STANDIN_ENV = "standin";
export const STANDIN_NAMESPACE = "apps";

/** EditableConfig is the part of kit.config.yaml the tests edit. */
export interface EditableConfig {
  apps: Record<string, { values: Record<string, string[]> }>;
  environments: Record<string, Record<string, unknown>>;
}

/** PromoteStandin is a gate environment, a stand-in target, and how to promote between them. */
export interface PromoteStandin {
  env: TestEnvironment;
  standin: Standin;
  /** writeConfig writes a kit.config.yaml variant (edited from the checkout's) and returns its path. */
  writeConfig(file: string, edit: (config: EditableConfig) => void): string;
  /** promote runs `kit --json promote standin <app> ...args` in the checkout. */
  promote(app: string, args?: string[], config?: string): Promise<RunResult>;
  dispose(): Promise<void>;
}

/** freePort is a host port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** preparePromoteStandin brings up the gate environment (only the given apps) and the stand-in. */
export async function preparePromoteStandin(label: string, apps: string[]): Promise<PromoteStandin> {
  await requireDocker();
  // As the CLI does: kit's own helm, kind, kubectl and crane first on PATH, for the test's own checks.
  await Promise.all([ensureGoTool("helm"), ensureGoTool("kind"), ensureGoTool("crane")]);
  process.env.PATH = [binDir(), process.env.PATH].filter(Boolean).join(delimiter);
  const env = await createTestEnvironment(label);
  const standin = await ensureStandin({
    name: `kt-standin-${process.pid}`,
    registryHostPort: await freePort(),
    ingressHostPort: await freePort(),
  });
  const writeConfig = (file: string, edit: (config: EditableConfig) => void): string => {
    const config = parse(readFileSync(join(env.root, "kit.config.yaml"), "utf8")) as EditableConfig;
    edit(config);
    const path = join(env.root, file);
    writeFileSync(path, stringify(config));
    return path;
  };
  const dispose = async () => {
    await standin.remove();
    await env.dispose();
  };
  try {
    // The stand-in's Terraform sits beside dev and prod, its values in a folder of their own.
    cpSync(join(FIXTURES, "terraform"), join(env.root, "terraform", "environments", STANDIN_ENV), {
      recursive: true,
    });
    mkdirSync(join(env.root, STANDIN_ENV), { recursive: true });
    cpSync(join(FIXTURES, "values-standin.yaml"), join(env.root, STANDIN_ENV, "values-standin.yaml"));
    writeConfig("kit.config.yaml", (config) => {
      for (const app of apps) {
        const values = (config.apps[app] as EditableConfig["apps"][string]).values;
        values[STANDIN_ENV] = [`charts/${app}/values-eks.yaml`, `${STANDIN_ENV}/values-standin.yaml`];
      }
      config.environments[STANDIN_ENV] = {
        type: "aws",
        terraformDir: `terraform/environments/${STANDIN_ENV}`,
        region: "us-east-1",
        accountId: EMULATOR_ACCOUNT,
        kubeContext: standin.context,
        kubeconfig: standin.kubeconfigPath,
        namespace: STANDIN_NAMESPACE,
        // The stand-in's registry plays ECR; the test environment's moto is its account.
        registry: { host: standin.registryHostEndpoint, repositoryPrefix: `${STANDIN_ENV}/`, auth: "none" },
        endpointUrl: `http://127.0.0.1:${env.ports.aws}`,
        apps: Object.fromEntries(
          apps.map((app) => [
            app,
            {
              url: standin.ingressUrl,
              terraformValues: { "service.serviceAccount.irsaRoleArn": "app_role_arn" },
            },
          ]),
        ),
      };
    });
    const up = await env.kit(["up", "--only", apps.join(",")]);
    if (up.exitCode !== 0) {
      throw new Error(`kit up failed:\n${up.stdout.slice(-4000)}\n${up.stderr.slice(-2000)}`);
    }
  } catch (err) {
    await dispose();
    throw err;
  }
  return {
    env,
    standin,
    writeConfig,
    promote: (app, args = [], config) =>
      env.kit([...(config ? ["--config", config] : []), "--json", "promote", STANDIN_ENV, app, ...args], {
        timeoutMs: 20 * 60_000,
      }),
    dispose,
  };
}
