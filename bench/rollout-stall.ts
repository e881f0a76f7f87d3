/**
 * bench/rollout-stall: how soon `kit rollout` gives its verdict on a rollout that cannot progress
 * (an image that does not exist), measured from the moment the rollout stalled (the first
 * ErrImagePull/ImagePullBackOff kit saw) to the verdict, beside what it was before: helm's
 * `--wait` sat out its whole timeout (600 s by default; 627 s measured for issue 17). Runs on an
 * environment of its own.
 *
 * Usage: npm run bench -- rollout-stall
 */
import { jsonEvents } from "../kit/test/support/cli.ts";
import { createTestEnvironment } from "../kit/test/support/test-environment.ts";

interface Progress {
  kind: string;
  event?: { type: string; time: number; event?: { kind: string; reason?: string; time: number } };
}

const env = await createTestEnvironment("bench-stall");
try {
  const up = await env.kit(["up"]);
  if (up.exitCode !== 0) throw new Error(`kit up failed:\n${up.stdout.slice(-3000)}`);
  const started = Date.now();
  const result = await env.kit(
    ["--json", "rollout", "go-app", "--set", "service.image.repository=kit-bench/does-not-exist"],
    { timeoutMs: 20 * 60_000 },
  );
  const ended = Date.now();
  const timeline = jsonEvents(result.stdout)
    .flatMap((e) => {
      const data = (e as { type: string; data?: Progress }).data;
      return e.type === "step-data" && data?.kind === "rollout-progress" && data.event?.type === "timeline"
        ? [data.event.event]
        : [];
    })
    .filter((e): e is NonNullable<typeof e> => e !== undefined);
  const at = (kind: string, match: (e: { reason?: string }) => boolean = () => true) =>
    timeline.find((e) => e.kind === kind && match(e))?.time;
  const upgrade = at("upgrade-started");
  const stuck = at("container-waiting", (e) => /ErrImagePull|ImagePullBackOff/.test(e.reason ?? ""));
  const stalled = at("upgrade-stalled");
  // The run step's failure is the verdict; the restore step runs after it.
  const verdictAt = jsonEvents(result.stdout).find(
    (e) => e.type === "step-failed" && String((e as { step?: string }).step).startsWith("run:"),
  )?.time as number | undefined;
  const s = (a?: number, b?: number) =>
    a === undefined || b === undefined ? "n/a" : `${((b - a) / 1000).toFixed(1)} s`;
  process.stdout.write(
    [
      `exit code ${result.exitCode} (1 expected: the run fails)`,
      "",
      "| measure | kit rollout now | before (helm --wait) |",
      "| --- | --- | --- |",
      `| upgrade start → first stuck signal (${timeline.find((e) => e.time === stuck)?.reason ?? "?"}) | ${s(upgrade, stuck)} | same |`,
      `| stuck → rollout called stalled | ${s(stuck, stalled)} | never (no cause named) |`,
      `| stuck → verdict (the run step fails, the stall named) | ${s(stuck, verdictAt)} | ≈ 600 s (helm's timeout) |`,
      `| stuck → process exit (the release restored) | ${s(stuck, ended)} | ≈ 600 s + the restore |`,
      `| whole \`kit rollout\` run | ${((ended - started) / 1000).toFixed(1)} s | 627 s measured for issue 17 |`,
      "",
    ].join("\n"),
  );
} finally {
  await env.dispose();
}
