/**
 * main is kit's command line: it parses flags, builds the context, and hands each command to its
 * module under cli/commands. Errors are printed here and nowhere else. Command modules are imported
 * when their command runs: loading every command's dependencies (the Kubernetes client, the AWS SDK,
 * Ink) cost seconds on each start.
 */
import { delimiter } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { ExternalToolError, errorMessage, exitCodeFor, KitError } from "../errors.ts";
import { kitVersion } from "../gate/record.ts";
import { binDir } from "../paths.ts";
import type { BuildFlags } from "./commands/build.ts";
import type { LogsFlags } from "./commands/logs.ts";
import type { PromoteFlags } from "./commands/promote.ts";
import type { RolloutFlags } from "./commands/rollout.ts";
import { createCommandContext, type GlobalOptions } from "./context.ts";

/** buildProgram declares every command and flag; `kit --help` is generated from it. */
export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command("kit")
    .description(
      "kit brings up a local copy of your EKS environment (kind, an AWS emulator, MongoDB, your Terraform and Helm charts),\n" +
        "and tests that rollouts lose no traffic.",
    )
    .version(kitVersion(), "--version", "print kit's version")
    .addOption(new Option("-c, --config <file>", "kit.config.yaml to use").env("KIT_CONFIG"))
    .addOption(new Option("--json", "print engine events as JSON lines (machine-readable; KIT_JSON=1)"))
    .addOption(
      new Option(
        "--plain",
        "print plain timestamped lines instead of the terminal UI (default in CI and without a TTY)",
      ),
    )
    .addOption(new Option("-v, --verbose", "print every log line of every step (KIT_VERBOSE=1)"))
    .addOption(
      new Option(
        "--env-name <name>",
        "the local environment to act on (env KIT_ENV_NAME; default environments.local.name, else the project)",
      ),
    )
    .addOption(
      new Option(
        "--port-offset <n>",
        "add n to every host port of the environment, for a second one beside the first (env KIT_PORT_OFFSET)",
      ),
    )
    .showHelpAfterError("(run kit --help for usage)")
    .exitOverride();

  const context = (cmd: Command) => {
    const options = cmd.optsWithGlobals<GlobalOptions>();
    // A boolean flag's variable counts only when it says yes: KIT_JSON=false or 0 means no.
    return createCommandContext({
      ...options,
      json: options.json || isYes(process.env.KIT_JSON),
      verbose: options.verbose || isYes(process.env.KIT_VERBOSE),
    });
  };

  program
    .command("doctor")
    .description(
      "check every tool kit drives (Docker engine, kind, helm, terraform or tofu, go, python) and their versions",
    )
    .option(
      "--fix",
      "install what is missing (Debian: apt, the Go module proxy, PyPI; never GitHub downloads)",
    )
    .action(async (opts: { fix?: boolean }, cmd: Command) => {
      const { runDoctor } = await import("./commands/doctor.ts");
      setExitCode(await runDoctor(context(cmd), Boolean(opts.fix)));
    });

  program
    .command("up")
    .description(
      "bring the local environment up: installs missing tools, then cluster, registry, emulator, database, images, Terraform, charts",
    )
    .addOption(new Option("--env <name>", "environment to bring up").default("local"))
    .addOption(new Option("--only <apps>", "comma-separated apps to build and deploy (default: all)"))
    .addOption(
      new Option(
        "--concurrency <n>",
        "steps run at once (default: as many as the graph allows; 1 runs them one by one)",
      ).env("KIT_CONCURRENCY"),
    )
    .action(async (opts: { env: string; only?: string; concurrency?: string }, cmd: Command) => {
      const { runUp } = await import("./commands/up.ts");
      setExitCode(await runUp(context(cmd), opts));
    });

  program
    .command("dev [apps...]")
    .description(
      "bring the local environment up, then watch the apps' sources, charts and values: a save rebuilds and redeploys what it touched (kit up's own steps), until Ctrl-C",
    )
    .action(async (apps: string[], _opts: unknown, cmd: Command) => {
      const { runDev } = await import("./commands/dev.ts");
      setExitCode(await runDev(context(cmd), apps));
    });

  program
    .command("build <app>")
    .description(
      "build an app's image as `kit up` does and push it as --tag (the Tiltfile's custom_build runs it with $EXPECTED_REF)",
    )
    .addOption(
      new Option(
        "--tag <ref>",
        "where to push: <registry>/<repository>:<tag>, e.g. localhost:5001/go-app:dev",
      ).env("EXPECTED_REF"),
    )
    .action(async (app: string, opts: BuildFlags, cmd: Command) => {
      const { runBuild } = await import("./commands/build.ts");
      setExitCode(await runBuild(context(cmd), app, opts));
    });

  program
    .command("down")
    .description(
      "remove everything kit created for this project (cluster, registry, emulator, database, network); nothing else",
    )
    .option("--volumes", "also remove data volumes (the database's data)")
    .action(async (opts: { volumes?: boolean }, cmd: Command) => {
      const { runDown } = await import("./commands/down.ts");
      setExitCode(await runDown(context(cmd), opts));
    });

  program
    .command("stop")
    .description(
      "stop every container of this project's environment, keeping them and their data; `kit up` starts it again",
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const { runStop } = await import("./commands/stop.ts");
      setExitCode(await runStop(context(cmd)));
    });

  program
    .command("status")
    .description("show each component's health and endpoint (exit 0 only when all are healthy)")
    .action(async (_opts: unknown, cmd: Command) => {
      const { runStatus } = await import("./commands/status.ts");
      setExitCode(await runStatus(context(cmd)));
    });

  program
    .command("logs <app>")
    .description(
      "print the logs of an app's pods in the local environment as `pod | line`, following new lines and new pods (Ctrl-C stops)",
    )
    .option("--tail <n>", "lines of each pod's past to print first", "20")
    .option("--no-follow", "print what the pods have logged so far and exit")
    .action(async (app: string, opts: LogsFlags, cmd: Command) => {
      const { runLogs } = await import("./commands/logs.ts");
      setExitCode(await runLogs(context(cmd), app, opts));
    });

  const collect = (value: string, previous: string[]): string[] => [...previous, value];
  program
    .command("rollout [apps...]")
    .description(
      "zero-downtime test: hold keep-alive HTTP, SSE streams, WebSockets and slow requests open while a real helm upgrade rolls the pods; exit 0 only when nobody noticed",
    )
    .option("--fault <name>", "layer charts/<app>/ci/faults/<name>.yaml to prove the test catches that fault")
    .option("-f, --values <file>", "extra values file for the upgrade (repeatable)", collect, [])
    .option("--set <key=value>", "extra helm --set for the upgrade (repeatable)", collect, [])
    .option("--runs <n>", "repeat the rollout n times", "1")
    .option(
      "--report-dir <dir>",
      "where to write the text, JSON, JUnit and HTML reports (default test-results/rollout)",
    )
    .addOption(
      new Option("--env <name>", "environment of kit.config.yaml to roll out in (default local)").env(
        "KIT_ENV",
      ),
    )
    .option("--context <name>", "kubeconfig context to use instead of the environment's")
    .option("--namespace <name>", "namespace of the releases instead of the environment's")
    .option("--target <url>", "entry point the probes use instead of the environment's (one app only)")
    .action(async (apps: string[], opts: RolloutFlags, cmd: Command) => {
      const { runRolloutCommand } = await import("./commands/rollout.ts");
      setExitCode(await runRolloutCommand(context(cmd), apps, opts));
    });

  program
    .command("promote <environment> [apps...]")
    .description(
      "ship exactly the image digests and values that passed the local gate to an AWS environment: checks, terraform plan + approval + apply, copy by digest, helm upgrade re-gated by the rollout probes, rollback on failure",
    )
    .option(
      "--approve",
      "approve the Terraform plan without asking (CI: approval comes from the environment's reviewers)",
    )
    .option("--dry-run", "run the checks and print every step it would take; change nothing")
    .option("--context <name>", "kubeconfig context (must be the environment's)")
    .option(
      "--report-dir <dir>",
      "where the re-gate reports and the promotion record go (default test-results/promote)",
    )
    .action(async (environment: string, apps: string[], opts: PromoteFlags, cmd: Command) => {
      const { runPromoteCommand } = await import("./commands/promote.ts");
      setExitCode(await runPromoteCommand(context(cmd), environment, apps, opts));
    });

  return program;
}

/** isYes reads a boolean environment variable: 1, true, yes (any case) are yes; anything else is no. */
export function isYes(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes)$/i.test(value.trim());
}

/** main runs kit with argv (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // kit's own tools (kind, helm, tofu, go) come first on PATH for everything kit runs.
  process.env.PATH = [binDir(), process.env.PATH].filter(Boolean).join(delimiter);
  // The AWS SDK warns on Node < 22 that its releases after January 2027 will need Node 22; kit's
  // SDK is pinned by package-lock.json, and the multi-line warning tore the terminal UI's frame.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    printError(err, Boolean(program.opts<GlobalOptions>().verbose));
    return exitCodeFor(err);
  }
}

/** printError writes an error for a person: message, command and output for tools, hint; stack only for bugs. */
export function printError(err: unknown, verbose: boolean): void {
  const lines: string[] = [];
  lines.push(`error: ${errorMessage(err)}`);
  if (err instanceof ExternalToolError) {
    lines.push(`  command: ${err.command}${err.exitCode === undefined ? "" : ` (exit ${err.exitCode})`}`);
    for (const line of err.outputTail.slice(-15)) lines.push(`  | ${line}`);
  }
  if (err instanceof KitError && err.hint) lines.push(`hint: ${err.hint}`);
  const isBug = !(err instanceof KitError) || err.kind === "bug";
  if (isBug) {
    if (verbose && err instanceof Error && err.stack) lines.push(err.stack);
    else lines.push("This looks like a bug in kit; run again with --verbose for the stack trace.");
  }
  process.stderr.write(`${lines.join("\n")}\n`);
}
