/**
 * context gathers what every command needs: global flags (each with an env var), the project
 * root and config, the front end, and a cancellation signal wired to Ctrl-C and SIGTERM.
 */
import { join } from "node:path";
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

/** LoadedProject is the project root and its validated config. */
export interface LoadedProject {
  root: string;
  configPath: string;
  config: KitConfig;
}

/** loadProject finds kit.config.yaml (or --config / KIT_CONFIG) and validates it. */
export async function loadProject(options: GlobalOptions): Promise<LoadedProject> {
  const explicit = options.config ?? process.env.KIT_CONFIG;
  if (explicit) {
    const config = await loadConfig(explicit);
    const { dirname, resolve } = await import("node:path");
    return { root: dirname(resolve(explicit)), configPath: resolve(explicit), config };
  }
  const root = findProjectRoot();
  if (!root) {
    throw new UserError("No kit.config.yaml in this directory or any parent.", {
      hint: "Run kit from inside the project, or pass --config <file> (or set KIT_CONFIG).",
    });
  }
  const configPath = join(root, "kit.config.yaml");
  return { root, configPath, config: await loadConfig(configPath) };
}
