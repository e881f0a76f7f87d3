import { describe, expect, it } from "vitest";
import type { AppLogSource, FollowAppOptions } from "../plans/app-logs.ts";
import { AppLogFeed, AppLogFollower, compactLogLine, MAX_APP_LOG_LINES } from "./app-logs.ts";

/** A source that records each follow and lets the test emit lines and see aborts. */
function recordingSource() {
  const follows: { app: string; options: FollowAppOptions }[] = [];
  const source: AppLogSource = {
    apps: ["go-app", "node-app"],
    follow: (app, options) => {
      follows.push({ app, options });
      if (app === "broken") return Promise.reject(new Error("cannot read the kubeconfig"));
      return new Promise((resolve) => options.signal.addEventListener("abort", () => resolve()));
    },
  };
  return { source, follows };
}

describe("AppLogFeed", () => {
  it("keeps only the shown app's lines, bounded", () => {
    const feed = new AppLogFeed();
    feed.push("go-app", "dropped: nothing is shown");
    feed.show("go-app");
    for (let i = 0; i < MAX_APP_LOG_LINES + 5; i++) feed.push("go-app", `line ${i}`);
    feed.push("node-app", "dropped: another app");
    const state = feed.getState();
    expect(state.lines).toHaveLength(MAX_APP_LOG_LINES);
    expect(state.lines[0]).toBe("line 5");
    expect(state.lines.at(-1)).toBe(`line ${MAX_APP_LOG_LINES + 4}`);
    feed.show(undefined);
    expect(feed.getState()).toEqual({ app: undefined, status: "", lines: [] });
  });
});

describe("AppLogFollower", () => {
  it("follows one app at a time, formatting lines as pod | line, and stops the previous follow", async () => {
    const { source, follows } = recordingSource();
    const feed = new AppLogFeed();
    const follower = new AppLogFollower(feed, source);
    follower.follow("go-app");
    await Promise.resolve();
    await Promise.resolve();
    expect(follows.map((f) => f.app)).toEqual(["go-app"]);
    follows[0]?.options.onLine({ pod: "go-app-7d9f-abcde", container: "app", line: "hello" });
    follows[0]?.options.onStatus?.("following 1 container of 1 pod");
    expect(feed.getState()).toEqual({
      app: "go-app",
      status: "following 1 container of 1 pod",
      lines: ["7d9f-abcde | hello"],
    });

    follower.follow("node-app");
    await Promise.resolve();
    await Promise.resolve();
    expect(follows[0]?.options.signal.aborted).toBe(true);
    follows[0]?.options.onLine({ pod: "go-app-7d9f-abcde", container: "app", line: "late" });
    expect(feed.getState().lines).toEqual([]);

    follower.stop();
    expect(follows[1]?.options.signal.aborted).toBe(true);
  });

  it("shows why a follow stopped", async () => {
    const { source } = recordingSource();
    const feed = new AppLogFeed();
    new AppLogFollower(feed, source).follow("broken");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(feed.getState().status).toBe("stopped: cannot read the kubeconfig");
  });
});

describe("compactLogLine", () => {
  it("puts time, level, message and the line's own fields first, dropping what every line repeats", () => {
    // Recorded from the apps' pods.
    expect(
      compactLogLine(
        '{"time":"2026-11-28T07:17:35.310880862Z","level":"INFO","msg":"request","app":"go-app","pod":"go-app-554db4c875-qrfwh","method":"GET","path":"/readyz","status":200,"durationMs":0.047,"remote":"10.244.0.1:48406"}',
      ),
    ).toBe(
      "07:17:35.310 INFO request method=GET path=/readyz status=200 durationMs=0.047 remote=10.244.0.1:48406",
    );
    expect(
      compactLogLine(
        '{"level":"info","time":"2026-11-28T07:17:44.861Z","app":"node-app","pod":"node-app-5867578cd8-fmwmv","reqId":"req-a","method":"GET","path":"/kit-log-probe","status":404,"durationMs":2.62,"msg":"request"}',
      ),
    ).toBe("07:17:44.861 INFO request reqId=req-a method=GET path=/kit-log-probe status=404 durationMs=2.62");
  });

  it("passes other lines through", () => {
    expect(compactLogLine("plain text")).toBe("plain text");
    expect(compactLogLine("{not json")).toBe("{not json");
    expect(compactLogLine("[1,2]")).toBe("[1,2]");
  });
});
