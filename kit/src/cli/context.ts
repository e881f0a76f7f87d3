/**
 * context gathers what every command needs: global flags (each with an env var), the project
 * root and config, the front end, and a cancellation signal wired to Ctrl-C and SIGTERM.
 */
import { join } from "node:path";
import { applyEnvOverrides, type EnvOverrides, readEnvOverrides } from "../config/env-overrides.ts";
import { type LocalEnvironmentIdentity, resolveLocalEnvironment } from "../config/environment.ts";
import { loadConfig } from "../config/load.ts";
import type { KitConfig } from "../config/schema.ts";
import { UserError } from "../errors.ts";
import { findProjectRoot } from "../paths.ts";
import { chooseFrontEnd, type FrontEndKind } from "../ui/index.ts";

/** GlobalOptions are the flags every command accepts. */
export interface GlobalOptions {
  config?: string;
  json?: boolean;
  plain?: boolean;
  verbose?: boolean;
  /** --env-name: the local environment to act on (KIT_ENV_NAME; default the config's). */
  envName?: string;
  /** --port-offset: added to every host port of the environment (KIT_PORT_OFFSET). */
  portOffset?: string;
}

/** CommandContext is handed to each command's action. */
export interface CommandContext {
  options: GlobalOptions;
  frontEnd: FrontEndKind;
  signal: AbortSignal;
  cancel: () => void;
}

/** createCommandContext resolves the front end and wires signals to an AbortController. */
export function createCommandContext(options: GlobalOptions): CommandContext {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts > 1) {
      process.stderr.write(`\n${signal} again: exiting without waiting for cleanup.\n`);
      process.exit(130);
    }
    process.stderr.write(`\n${signal}: stopping and cleaning up (press Ctrl-C again to force).\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    options,
    frontEnd: chooseFrontEnd({
      json: options.json,
      plain: options.plain,
      isTTY: Boolean(process.stdout.isTTY),
    }),
    signal: controller.signal,
    cancel: () => controller.abort(new Error("cancelled from the terminal UI")),
  };
}

/** LoadedProject is the project root and its validated config, resolved for one local environment. */
export interface LoadedProject {
  root: string;
  configPath: string;
  /**
   * The config with the environment's name filled in, its ports shifted by its offset, and the
   * environment's overrides (KIT_IMAGES_SOURCE, KIT_AWS_EMULATOR, KIT_DATABASE_PROVIDER) applied.
   */
  config: KitConfig;
  /** Every override read from the environment; the ones with no config field go to the providers as options. */
  overrides: EnvOverrides;
  /** Which environment, and where its name and port offset came from. */
  environment: LocalEnvironmentIdentity;
}

/**
 * loadProject finds kit.config.yaml (or --config / KIT_CONFIG), validates it, and resolves the
 * local environment (--env-name / KIT_ENV_NAME / environments.local.name / project, and the port
 * offset likewise), with the environment's overrides applied (config/env-overrides.ts).
 */
export async function loadProject(options: GlobalOptions): Promise<LoadedProject> {
  const explicit = options.config ?? process.env.KIT_CONFIG;
  const flags = { envName: options.envName, portOffset: options.portOffset };
  const resolveConfig = (config: KitConfig) => {
    const overrides = readEnvOverrides(process.env);
    const loaded = resolveLocalEnvironment(applyEnvOverrides(config, overrides), flags);
    return { config: loaded.config, environment: loaded.identity, overrides };
  };
  if (explicit) {
    const loaded = resolveConfig(await loadConfig(explicit));
    const { dirname, resolve } = await import("node:path");
    return { root: dirname(resolve(explicit)), configPath: resolve(explicit), ...loaded };
  }
  const root = findProjectRoot();
  if (!root) {
    throw new UserError("No kit.config.yaml in this directory or any parent.", {
      hint: "Run kit from inside the project, or pass --config <file> (or set KIT_CONFIG).",
    });
  }
  const configPath = join(root, "kit.config.yaml");
  return { root, configPath, ...resolveConfig(await loadConfig(configPath)) };
}
