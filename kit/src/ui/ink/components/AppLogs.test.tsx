import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { fakeRenderClock } from "../../../../test/support/ink-clock.ts";
import { PlanStore } from "../../../engine/state.ts";
import { AppLogFeed } from "../../app-logs.ts";
import { App, keyHelp, logPaneLines } from "./App.tsx";

const tick = fakeRenderClock(150);

/** press types each key and lets Ink render after it. */
async function press(stdin: { write: (data: string) => void }, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    stdin.write(key);
    await tick();
  }
}

function finishedUp(): PlanStore {
  const store = new PlanStore();
  store.dispatch({
    type: "plan-started",
    time: Date.now(),
    plan: "up",
    steps: [{ id: "deploy:go-app", title: "go-app helm release", needs: [] }],
  });
  store.dispatch({ type: "step-started", time: Date.now(), step: "deploy:go-app" });
  store.dispatch({
    type: "step-log",
    time: Date.now(),
    step: "deploy:go-app",
    stream: "stdout",
    line: "STATUS: deployed",
  });
  store.dispatch({ type: "step-succeeded", time: Date.now(), step: "deploy:go-app", changed: true });
  store.dispatch({
    type: "plan-finished",
    time: Date.now(),
    plan: "up",
    ok: true,
    cancelled: false,
    durationMs: 900,
  });
  return store;
}

describe("App: following app logs", () => {
  it("l walks through the apps and back to step logs; the pane shows the followed app's lines", async () => {
    const store = finishedUp();
    const feed = new AppLogFeed();
    const asked: (string | undefined)[] = [];
    const { lastFrame, stdin, unmount } = render(
      <App
        store={store}
        logApps={["go-app", "node-app"]}
        appLogs={feed}
        onFollowLogs={(app) => {
          asked.push(app);
          feed.show(app);
        }}
        quitNote="the environment stays up"
      />,
    );
    await tick();
    // A successful plan selects no step; ↓ shows a step's logs.
    expect(lastFrame()).not.toContain("logs:");
    await press(stdin, "j");
    expect(lastFrame()).toContain("logs: go-app helm release");
    expect(lastFrame()).toContain("l follow app logs");
    expect(lastFrame()).toContain("q quit (the environment stays up)");

    await press(stdin, "l");
    expect(asked).toEqual(["go-app"]);
    expect(lastFrame()).toContain("logs: go-app pods · connecting");
    expect(lastFrame()).toContain("(no log lines yet)");
    feed.setStatus("go-app", "following 2 containers of 2 pods");
    feed.push("go-app", '7d9f-abcde | {"msg":"listening"}');
    feed.push("node-app", "a line of an app no longer followed");
    await tick();
    expect(lastFrame()).toContain("following 2 containers of 2 pods");
    expect(lastFrame()).toContain('7d9f-abcde | {"msg":"listening"}');
    expect(lastFrame()).not.toContain("no longer followed");
    expect(lastFrame()).not.toContain("STATUS: deployed");
    expect(lastFrame()).toContain("esc step logs");

    await press(stdin, "l");
    expect(lastFrame()).toContain("logs: node-app pods");
    await press(stdin, "l");
    expect(asked).toEqual(["go-app", "node-app", undefined]);
    expect(lastFrame()).toContain("logs: go-app helm release");
    expect(lastFrame()).toContain("STATUS: deployed");

    await press(stdin, "l", "\u001b"); // l, then esc
    expect(asked).toEqual(["go-app", "node-app", undefined, "go-app", undefined]);
    expect(lastFrame()).toContain("STATUS: deployed");
    unmount();
  });

  it("without a log source there is no l key", async () => {
    const store = finishedUp();
    const { lastFrame, stdin, unmount } = render(<App store={store} />);
    await tick();
    await press(stdin, "j", "l");
    expect(lastFrame()).not.toContain("follow app logs");
    expect(lastFrame()).toContain("logs: go-app helm release");
    unmount();
  });

  it("closing drops the key help from the frame that stays on the terminal", async () => {
    const store = finishedUp();
    const { lastFrame, rerender, unmount } = render(<App store={store} />);
    await tick();
    expect(lastFrame()).toContain("q quit");
    rerender(<App store={store} closing />);
    await tick();
    expect(lastFrame()).not.toContain("q quit");
    expect(lastFrame()).toContain("all 1 steps done");
    unmount();
  });
});

describe("keyHelp", () => {
  it("names the keys that work now", () => {
    expect(keyHelp({ finished: false, ok: false, canFollow: true })).toBe(
      "↑/↓ step logs · l follow app logs · q/Ctrl-C stop",
    );
    expect(keyHelp({ finished: true, ok: true, canFollow: true, following: "go-app", quitNote: "x" })).toBe(
      "↑/↓ step logs · l next app's logs · esc step logs · q quit (x)",
    );
    expect(keyHelp({ finished: true, ok: false, canFollow: false })).toBe(
      "↑/↓ step logs · r retry failed step · q quit",
    );
  });
});

describe("logPaneLines", () => {
  it("fits the pane to the screen, between 3 and 40 lines", () => {
    // 50 rows, 16 steps, 7 outputs: 1 + 16 + 8 + 2 + 3 + 1 = 31 rows are taken.
    expect(logPaneLines(50, 16, 7)).toBe(19);
    expect(logPaneLines(24, 16, 7)).toBe(3);
    expect(logPaneLines(200, 2, 0)).toBe(40);
    expect(logPaneLines(undefined, 2, 0)).toBe(31);
  });
});
