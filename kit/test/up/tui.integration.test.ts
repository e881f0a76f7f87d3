import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/exec/index.ts";
import { KIT_BIN, REPO_ROOT } from "../support/cli.ts";
import { createTestEnvironment, type TestEnvironment } from "../support/test-environment.ts";

/**
 * The terminal UI as a person sees it: `kit up` runs in a real terminal (tmux), and the screen is
 * captured at the start, mid-way and at the end. The captures are kept in test-results/tui/. It
 * runs in an environment of the test's own (checkout, name, ports), never the user's.
 */
const SESSION = `kit-tui-${process.pid}`;
const ARTIFACTS = join(REPO_ROOT, "test-results", "tui");
let env: TestEnvironment;

async function tmux(args: string[]): Promise<string> {
  return (await run("tmux", args, { timeoutMs: 30_000 })).stdout;
}

async function capture(name: string): Promise<string> {
  const screen = await tmux(["capture-pane", "-p", "-t", SESSION]);
  writeFileSync(join(ARTIFACTS, `${name}.txt`), screen);
  return screen;
}

async function waitForScreen(predicate: (screen: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = "";
  while (Date.now() < deadline) {
    screen = await tmux(["capture-pane", "-p", "-t", SESSION]);
    if (predicate(screen)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the screen never showed what the test waited for; last screen:\n${screen}`);
}

describe("kit up terminal UI (tmux)", () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    env = await createTestEnvironment("tui");
  });

  afterAll(async () => {
    await run("tmux", ["kill-session", "-t", SESSION], { allowFailure: true });
    await env?.dispose();
  });

  it("names a taken port and retries with r; shows steps with spinners, then endpoints and a summary; l follows an app's pod logs from before its cluster exists; q quits", async () => {
    // The emulator's port is taken when kit up starts: the ports step fails, and r retries it.
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(env.ports.aws, "0.0.0.0", resolve));
    let squatting = true;
    const freePort = async (): Promise<void> => {
      if (!squatting) return;
      squatting = false;
      await new Promise((resolve) => squatter.close(resolve));
    };
    try {
      await tmux([
        "new-session",
        "-d",
        "-s",
        SESSION,
        "-x",
        "160",
        "-y",
        "50",
        "-c",
        env.root,
        // The shell keeps the pane (and the last frame) after kit exits, and shows the exit code.
        "sh",
        "-c",
        `env -u CI -u KIT_CONFIG TERM=xterm-256color KIT_ENV_NAME=${env.name} KIT_PORT_OFFSET=${env.portOffset} '${process.execPath}' '${KIT_BIN}' up; echo "KIT_EXIT=$?"; sleep 3600`,
      ]);
      const failed = await waitForScreen((s) => /r retry failed step/.test(s), 10 * 60_000);
      writeFileSync(join(ARTIFACTS, "0-port-taken.txt"), failed);
      expect(failed).toMatch(
        new RegExp(
          `Port ${env.ports.aws} \\(aws\\.hostPort \\+ port offset \\d+\\) is already in use by pid \\d+`,
        ),
      );
      expect(failed).toMatch(/\d+ failed, \d+ skipped/);
      // l follows go-app's pods before there is a cluster: the pane says why it cannot yet, and keeps trying.
      await tmux(["send-keys", "-t", SESSION, "l"]);
      const noCluster = await waitForScreen(
        (s) => /logs: go-app pods · cannot list pods yet/.test(s),
        30_000,
      );
      writeFileSync(join(ARTIFACTS, "0-logs-before-cluster.txt"), noCluster);
      await freePort();
      await tmux(["send-keys", "-t", SESSION, "r"]);

      const start = await waitForScreen(
        (s) => s.includes("kit up") && /\d+\/\d+ done, \d+ running/.test(s),
        60_000,
      );
      writeFileSync(join(ARTIFACTS, "1-start.txt"), start);
      expect(start).toMatch(/toolchain/);
      expect(start).toMatch(/AWS emulator/);
      expect(start).toMatch(/go-app image/);
      expect(start).toMatch(/\d+\/\d+ done, \d+ running/);

      const mid = await waitForScreen((s) => /✓/.test(s) && /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/.test(s), 20 * 60_000);
      writeFileSync(join(ARTIFACTS, "2-mid.txt"), mid);
      expect(mid).toMatch(/logs: /);

      const end = await waitForScreen(
        (s) => /KIT_EXIT=\d+/.test(s) || /all \d+ steps done in/.test(s) || /\d+ failed, \d+ skipped/.test(s),
        30 * 60_000,
      );
      writeFileSync(join(ARTIFACTS, "3-end.txt"), end);
      if (!/all \d+ steps done in/.test(end)) {
        // Show the failed step's error (the pane follows app logs): esc goes back to step logs.
        await tmux(["send-keys", "-t", SESSION, "Escape"]);
        const failure = await waitForScreen((s) => /error: /.test(s), 10_000).catch(() => end);
        writeFileSync(join(ARTIFACTS, "3-end-failure.txt"), failure);
        const runLog = readFileSync(join(env.root, ".kit", "logs", "up.log"), "utf8");
        expect.fail(
          `kit up did not finish; the screen showed:\n${failure}\nthe end of .kit/logs/up.log:\n${runLog.slice(-6000)}`,
        );
      }
      expect(end).toMatch(new RegExp(`kube context\\s+${env.kubeContext}`));
      expect(end).toMatch(new RegExp(`go-app\\s+http://127\\.0\\.0\\.1:${env.ports.apps["go-app"]}`));
      expect(end).toMatch(/MONGODB_URL/);
      // Like `tilt up`, the view stays once everything is up.
      expect(end).not.toMatch(/KIT_EXIT/);
      expect(end).toMatch(/l next app's logs · esc step logs/);

      // The pane has followed go-app since before the cluster existed, and now has its pods.
      await waitForScreen((s) => /logs: go-app pods · following 2 containers of 2 pods/.test(s), 60_000);
      // A request made now shows up in the pane (the probes' lines scroll it away within seconds).
      const path = `/kit-tui-${process.pid}`;
      await fetch(`${env.appUrl("go-app")}${path}`, { signal: AbortSignal.timeout(10_000) });
      const logs = await waitForScreen((s) => s.includes(path), 30_000);
      writeFileSync(join(ARTIFACTS, "4-app-logs.txt"), logs);
      // `<pod> | <time> <level> <message> <fields>`: the apps' JSON lines, compacted to fit the pane.
      expect(logs).toMatch(
        new RegExp(
          `[a-z0-9]+-[a-z0-9]{5} \\| \\d\\d:\\d\\d:\\d\\d\\.\\d+ INFO request method=GET path=${path} status=404`,
        ),
      );

      await tmux(["send-keys", "-t", SESSION, "q"]);
      const quit = await waitForScreen((s) => /KIT_EXIT=\d+/.test(s), 60_000);
      expect(quit).toMatch(/KIT_EXIT=0/);
      expect(quit).not.toMatch(/q quit/);
      await capture("5-final");
      // Quitting leaves the environment up.
      expect((await env.kit(["status"])).exitCode).toBe(0);
    } finally {
      await freePort();
    }
  });

  it("kit dev in a terminal: its view shows a save, what kit did and how long it took; q stops watching and leaves the environment up", async () => {
    const session = `${SESSION}-dev`;
    try {
      await tmux([
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "160",
        "-y",
        "50",
        "-c",
        env.root,
        "sh",
        "-c",
        `env -u CI -u KIT_CONFIG TERM=xterm-256color KIT_ENV_NAME=${env.name} KIT_PORT_OFFSET=${env.portOffset} '${process.execPath}' '${KIT_BIN}' dev go-app; echo "KIT_EXIT=$?"; sleep 3600`,
      ]);
      const screen = async (): Promise<string> => tmux(["capture-pane", "-p", "-t", session]);
      const waitFor = async (predicate: (s: string) => boolean, timeoutMs: number): Promise<string> => {
        const deadline = Date.now() + timeoutMs;
        let last = "";
        while (Date.now() < deadline) {
          last = await screen();
          if (predicate(last)) return last;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        throw new Error(`kit dev's screen never showed what the test waited for; last screen:\n${last}`);
      };
      const watching = await waitFor(
        (s) => /watching go-app \(\d+ paths\)/.test(s) || /KIT_EXIT/.test(s),
        10 * 60_000,
      );
      writeFileSync(join(ARTIFACTS, "6-dev-watching.txt"), watching);
      expect(watching).not.toMatch(/KIT_EXIT/);
      expect(watching).toMatch(/l follow app logs/);

      // A values change: kit dev upgrades the release and the panel says so, with the time it took.
      const values = join(env.root, "charts", "go-app", "values-local.yaml");
      writeFileSync(
        values,
        `${readFileSync(values, "utf8")}  podAnnotations:\n    kit.dev/tui-test: "${process.pid}"\n`,
      );
      const live = await waitFor(
        (s) =>
          /✓ go-app: values \(charts\/go-app\/values-local\.yaml\)\s+live in [\d.]+ s/.test(s) ||
          /✗ go-app/.test(s),
        10 * 60_000,
      );
      writeFileSync(join(ARTIFACTS, "7-dev-live.txt"), live);
      expect(live).toMatch(/live in [\d.]+ s: deploy:go-app/);
      // The step list shows the run that made it live.
      expect(live).toMatch(/go-app helm release/);

      await tmux(["send-keys", "-t", session, "q"]);
      const quit = await waitFor((s) => /KIT_EXIT=\d+/.test(s), 60_000);
      expect(quit).toMatch(/KIT_EXIT=0/);
      expect((await env.kit(["status"])).exitCode).toBe(0);
    } finally {
      await run("tmux", ["kill-session", "-t", session], { allowFailure: true });
    }
  });
});
