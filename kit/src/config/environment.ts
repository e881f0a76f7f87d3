/**
 * environment resolves which local environment a command acts on: its name and the offset added
 * to its host ports, each from a flag, an environment variable, kit.config.yaml or the default
 * (in that order of precedence), and returns the config with the name filled in and the ports
 * shifted, so plans read one resolved config and never the sources.
 */
import { UserError } from "../errors.ts";
import {
  ENVIRONMENT_NAME_MAX_LENGTH,
  environmentNameSchema,
  type KitConfig,
  MAX_PORT_OFFSET,
  portOffsetSchema,
} from "./schema.ts";

/** NODE_PORT_MAX is the top of Kubernetes' default NodePort range; apps' host ports are their NodePorts. */
export const NODE_PORT_MAX = 32767;

/** EnvironmentFlags are the command-line values, when given. */
export interface EnvironmentFlags {
  envName?: string;
  portOffset?: string;
}

/** LocalEnvironmentIdentity is the resolved name and port offset, and where each came from. */
export interface LocalEnvironmentIdentity {
  name: string;
  /** `--env-name`, `KIT_ENV_NAME`, `environments.local.name` or `project` (the default). */
  nameSource: string;
  portOffset: number;
  /** `--port-offset`, `KIT_PORT_OFFSET`, `environments.local.portOffset` or `default`. */
  portOffsetSource: string;
}

/** localEnvironmentName is the name of a config's local environment (its `project` unless named). */
export function localEnvironmentName(config: KitConfig): string {
  const local = config.environments.local;
  return local?.type === "local" && local.name ? local.name : config.project;
}

/** localPortOffset is the offset a config's ports were shifted by (0 unless resolved with one). */
export function localPortOffset(config: KitConfig): number {
  const local = config.environments.local;
  return local?.type === "local" ? local.portOffset : 0;
}

function checkName(value: string, source: string): string {
  const parsed = environmentNameSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new UserError(
    `${source} "${value}" is not a valid environment name: ${parsed.error.issues[0]?.message ?? "invalid"}.`,
    {
      hint: `Use lower-case letters, digits and '-', at most ${ENVIRONMENT_NAME_MAX_LENGTH} characters (e.g. kit-review).`,
    },
  );
}

function checkOffset(value: string, source: string): number {
  const number = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (portOffsetSchema.safeParse(number).success) return number;
  throw new UserError(`${source} "${value}" is not a port offset.`, {
    hint: `Give a whole number from 0 to ${MAX_PORT_OFFSET}; every host port of the environment is shifted by it (e.g. 100: 4566 -> 4666).`,
  });
}

/** identify picks the name and the offset from the flags, the environment and the config. */
export function identifyLocalEnvironment(
  config: KitConfig,
  flags: EnvironmentFlags = {},
  env: NodeJS.ProcessEnv = process.env,
): LocalEnvironmentIdentity {
  const local = config.environments.local;
  const configured = local?.type === "local" ? local : undefined;
  let name: string;
  let nameSource: string;
  if (flags.envName !== undefined) {
    [name, nameSource] = [checkName(flags.envName, "--env-name"), "--env-name"];
  } else if (env.KIT_ENV_NAME) {
    [name, nameSource] = [checkName(env.KIT_ENV_NAME, "KIT_ENV_NAME"), "KIT_ENV_NAME"];
  } else if (configured?.name) {
    [name, nameSource] = [configured.name, "environments.local.name"];
  } else {
    [name, nameSource] = [checkName(config.project, "project"), "project"];
  }
  let portOffset: number;
  let portOffsetSource: string;
  if (flags.portOffset !== undefined) {
    [portOffset, portOffsetSource] = [checkOffset(flags.portOffset, "--port-offset"), "--port-offset"];
  } else if (env.KIT_PORT_OFFSET) {
    [portOffset, portOffsetSource] = [checkOffset(env.KIT_PORT_OFFSET, "KIT_PORT_OFFSET"), "KIT_PORT_OFFSET"];
  } else if (configured && configured.portOffset > 0) {
    [portOffset, portOffsetSource] = [configured.portOffset, "environments.local.portOffset"];
  } else {
    [portOffset, portOffsetSource] = [0, "default"];
  }
  return { name, nameSource, portOffset, portOffsetSource };
}

/**
 * resolveLocalEnvironment returns config for the chosen environment: `environments.local.name`
 * and `portOffset` set, and every host port shifted by the offset. An app port pushed past the
 * NodePort range is an error naming the field and the offset.
 */
export function resolveLocalEnvironment(
  config: KitConfig,
  flags: EnvironmentFlags = {},
  env: NodeJS.ProcessEnv = process.env,
): { config: KitConfig; identity: LocalEnvironmentIdentity } {
  const identity = identifyLocalEnvironment(config, flags, env);
  const local = config.environments.local;
  if (local?.type !== "local") return { config, identity };
  // The file's ports are the base; an offset from the file itself is applied once, like any other.
  const offset = identity.portOffset;
  const shift = (port: number, field = "a port"): number => {
    if (port + offset > 65535) {
      throw new UserError(
        `${field} ${port} + port offset ${offset} (${identity.portOffsetSource}) is ${port + offset}, past 65535.`,
        { hint: "Choose a smaller port offset or a lower port." },
      );
    }
    return port + offset;
  };
  const apps = Object.fromEntries(
    Object.entries(config.apps).map(([name, app]) => {
      const hostPort = shift(app.hostPort);
      if (offset > 0 && hostPort > NODE_PORT_MAX) {
        throw new UserError(
          `apps.${name}.hostPort ${app.hostPort} + port offset ${offset} (${identity.portOffsetSource}) is ${hostPort}, past the NodePort range (30000-${NODE_PORT_MAX}).`,
          { hint: `Choose a port offset of at most ${NODE_PORT_MAX - app.hostPort}.` },
        );
      }
      return [name, { ...app, hostPort }];
    }),
  );
  const containers = Object.fromEntries(
    Object.entries(config.containers).map(([name, app]) => [
      name,
      { ...app, hostPort: shift(app.hostPort, `containers.${name}.hostPort`) },
    ]),
  );
  return {
    identity,
    config: {
      ...config,
      containers,
      registry: { ...config.registry, hostPort: shift(config.registry.hostPort, "registry.hostPort") },
      aws: { ...config.aws, hostPort: shift(config.aws.hostPort, "aws.hostPort") },
      database: { ...config.database, hostPort: shift(config.database.hostPort, "database.hostPort") },
      postgres: config.postgres && {
        ...config.postgres,
        hostPort: shift(config.postgres.hostPort, "postgres.hostPort"),
      },
      apps,
      environments: {
        ...config.environments,
        local: { ...local, name: identity.name, portOffset: offset },
      },
    },
  };
}

/** portField names the config field behind a resolved port, with the offset when there is one. */
export function portField(config: KitConfig, field: string): string {
  const offset = localPortOffset(config);
  return offset > 0 ? `${field} + port offset ${offset}` : field;
}
