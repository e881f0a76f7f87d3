/**
 * container-app is how `kit up` runs an app that is not a Helm release (`containers:` in
 * kit.config.yaml; ECS Fargate on AWS, say): its image is built like any app's, and it runs as one
 * container on the environment's Docker network, published on 127.0.0.1:<hostPort>, with the
 * environment its task definition would give it, resolved here from the local Terraform outputs
 * and the AWS emulator. The same inputs give the same container, so a re-run changes nothing; a
 * new image or environment replaces it; `kit stop` pauses it and `kit down` removes it with the
 * other containers of the environment (by their labels).
 */
import { localEnvironmentName } from "../config/environment.ts";
import type { ContainerAppConfig, ContainerEnvValue, KitConfig } from "../config/schema.ts";
import type { Step, StepRef } from "../engine/plan.ts";
import { UserError } from "../errors.ts";
import type { AppImage } from "../images/apps.ts";
import type { RunningAwsEmulator } from "../providers/aws/index.ts";
import type { ManagedContainer, ManagedContainerSpec } from "../providers/container/index.ts";
import { POSTGRES_PORT, type RunningPostgres } from "../providers/postgres/index.ts";
import type { TerraformOutputs } from "./terraform-local.ts";

/** CONTAINER_APP_COMPONENT is the component label of every container app's container. */
export const CONTAINER_APP_COMPONENT = "container-app";
/** APP_LABEL names the app a container app's container runs. */
export const APP_LABEL = "dev.kit.app";

/** ContainerAppDeps start containers; tests pass a fake. */
export interface ContainerAppDeps {
  startContainer(spec: ManagedContainerSpec): Promise<ManagedContainer>;
}

/**
 * resolveContainerEnv turns the configured environment into values: literals as they are, Terraform
 * outputs by name (strings and numbers), the emulator's endpoint on kit's network, region and
 * test credentials, and kit's PostgreSQL as reached on kit's network. A missing or non-scalar
 * output, or PostgreSQL asked for where none runs, is a UserError naming the field.
 */
export function resolveContainerEnv(
  app: string,
  env: Record<string, ContainerEnvValue>,
  sources: {
    outputs: TerraformOutputs;
    emulator: Pick<RunningAwsEmulator, "clusterEndpoint" | "region" | "credentials">;
    postgres?: Pick<RunningPostgres, "networkUrl" | "containerName" | "user" | "password" | "database">;
  },
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (typeof value === "string") {
      resolved[key] = value;
    } else if ("terraformOutput" in value) {
      const output = sources.outputs[value.terraformOutput];
      if (typeof output !== "string" && typeof output !== "number" && typeof output !== "boolean") {
        const known = Object.keys(sources.outputs).sort().join(", ") || "none";
        throw new UserError(
          `containers.${app}.env.${key}: the local Terraform has ${output === undefined ? "no" : "a non-scalar"} output "${value.terraformOutput}".`,
          {
            hint: `Name a string output of environments.local.terraformDir (outputs: ${known}), or add it to its outputs.tf.`,
          },
        );
      }
      resolved[key] = String(output);
    } else if ("postgres" in value) {
      const { postgres } = sources;
      if (!postgres)
        throw new UserError(`containers.${app}.env.${key}: asks for kit's PostgreSQL, but none runs.`, {
          hint: "Add `postgres: {}` to kit.config.yaml (docs/configuration.md).",
        });
      resolved[key] = {
        url: postgres.networkUrl,
        host: postgres.containerName,
        port: String(POSTGRES_PORT),
        user: postgres.user,
        password: postgres.password,
        database: postgres.database,
      }[value.postgres];
    } else {
      const { emulator } = sources;
      resolved[key] = {
        endpoint: emulator.clusterEndpoint,
        region: emulator.region,
        accessKeyId: emulator.credentials.accessKeyId,
        secretAccessKey: emulator.credentials.secretAccessKey,
      }[value.aws];
    }
  }
  return resolved;
}

/** containerAppStep runs (or keeps) one container app's container: `run:<name>`. */
export function containerAppStep(args: {
  name: string;
  app: ContainerAppConfig;
  /** The environment's name (container names and labels). */
  environment: string;
  /** The Docker network the cluster, emulator and database share. */
  network: string;
  image: StepRef<AppImage>;
  terraform: StepRef<TerraformOutputs>;
  emulator: StepRef<RunningAwsEmulator>;
  /** kit's PostgreSQL, when kit.config.yaml has `postgres:`. */
  postgres?: StepRef<RunningPostgres>;
  /** Runs after the emulator (and PostgreSQL) joined the network. */
  networks: StepRef<undefined>;
  deps: ContainerAppDeps;
}): Step<ManagedContainer> {
  const { name, app } = args;
  return {
    id: `run:${name}`,
    title: `${name} container on :${app.hostPort}`,
    needs: [
      args.image,
      args.terraform,
      args.emulator,
      args.networks,
      ...(args.postgres ? [args.postgres] : []),
    ],
    async apply(ctx) {
      const env = resolveContainerEnv(name, app.env, {
        outputs: ctx.resultOf(args.terraform),
        emulator: ctx.resultOf(args.emulator),
        postgres: args.postgres && ctx.resultOf(args.postgres),
      });
      return args.deps.startContainer({
        name: `${args.environment}-${name}`,
        image: ctx.resultOf(args.image).ref,
        project: args.environment,
        component: CONTAINER_APP_COMPONENT,
        labels: { [APP_LABEL]: name },
        port: app.port,
        hostPort: app.hostPort,
        network: args.network,
        httpWaitPath: app.readinessPath,
        env: { PORT: String(app.port), POD_NAME: `${args.environment}-${name}`, ...env },
      });
    },
    changed: (c) => !c.reused,
    summarize: (c) => `${c.reused ? "running" : "started"} ${c.name} on 127.0.0.1:${c.hostPort}`,
  };
}

/**
 * refuseContainerApp fails a command that acts on Helm releases (kit rollout, kit dev, kit logs)
 * when it is named a container app, saying what the app is and where to look instead.
 */
export function refuseContainerApp(config: KitConfig, app: string, command: string): void {
  if (!config.containers[app]) return;
  throw new UserError(
    `${command}: "${app}" is a container app (containers: in kit.config.yaml), not a Helm release; ${command} acts on apps: only.`,
    {
      hint: `kit up runs it and kit status shows its URL; its output: \`docker logs -f ${localEnvironmentName(config)}-${app}\`.`,
    },
  );
}
