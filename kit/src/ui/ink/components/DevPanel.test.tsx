import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { fakeRenderClock } from "../../../../test/support/ink-clock.ts";
import { DevLiveStore } from "../../dev/live.ts";
import { DevPanel } from "./DevPanel.tsx";

const tick = fakeRenderClock(200);

describe("DevPanel", () => {
  it("shows the watch, each save and what it did, newest last", async () => {
    const store = new DevLiveStore();
    const { lastFrame, unmount } = render(<DevPanel store={store} active={false} />);
    const now = Date.now();
    store.dispatch({ type: "dev-watching", time: now, apps: ["go-app"], paths: ["x", "y"] });
    store.dispatch({
      type: "dev-change",
      time: now,
      changes: [{ app: "go-app", kinds: ["source"], files: ["apps/go-app/main.go"] }],
    });
    await tick();
    expect(lastFrame()).toContain("watching go-app (2 paths)");
    expect(lastFrame()).toMatch(/… go-app: source \(apps\/go-app\/main\.go\)\s+applying/);
    store.dispatch({
      type: "dev-applied",
      time: now + 3_000,
      apps: ["go-app"],
      ok: true,
      ms: 3_000,
      actions: ["deploy:go-app: upgraded to revision 3"],
    });
    await tick();
    expect(lastFrame()).toMatch(
      /✓ go-app: source \(apps\/go-app\/main\.go\)\s+live in 3\.0 s: deploy:go-app: /,
    );
    unmount();
  });
});
