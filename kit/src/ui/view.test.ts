import { describe, expect, it } from "vitest";
import type { KitEvent } from "../engine/events.ts";
import { initialPlanState, reducePlanState } from "../engine/state.ts";
import { createPlainPrinter } from "./plain/printer.ts";
import { formatDuration, MAX_VIEW_LINE_CHARS, printable, stateToView } from "./view.ts";

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const events: KitEvent[] = [
  {
    type: "plan-started",
    time: T0,
    plan: "up",
    steps: [
      { id: "cluster", title: "kind cluster", needs: [] },
      { id: "db", title: "database", needs: [] },
      { id: "deploy", title: "helm go-app", needs: ["cluster", "db"] },
    ],
  },
  { type: "step-started", time: T0 + 10, step: "cluster" },
  { type: "step-started", time: T0 + 12, step: "db" },
  { type: "step-progress", time: T0 + 500, step: "cluster", message: "nodes joining", fraction: 0.5 },
  { type: "step-log", time: T0 + 600, step: "db", stream: "stdout", line: "waiting for port 27017" },
  {
    type: "step-failed",
    time: T0 + 2000,
    step: "db",
    error: {
      kind: "user",
      message: "port 27017 is in use by pid 4121 (mongod)",
      hint: "Free it or set database.hostPort in kit.config.yaml.",
    },
  },
  { type: "step-skipped", time: T0 + 2001, step: "deploy", reason: "needs db, which failed" },
];
const replay = (list: KitEvent[]) => list.reduce(reducePlanState, initialPlanState());

describe("stateToView", () => {
  it("shows each step's state, elapsed time and detail, and selects the failed step", () => {
    const view = stateToView(replay(events), T0 + 3000);
    expect(view.rows.map((r) => [r.id, r.status, r.elapsed, r.detail])).toEqual([
      ["cluster", "running", "3.0s", "nodes joining"],
      ["db", "failed", "2.0s", "port 27017 is in use by pid 4121 (mongod)"],
      ["deploy", "skipped", "", "needs db, which failed"],
    ]);
    expect(view.selected?.id).toBe("db");
    expect(view.selected?.error?.hint).toMatch(/database.hostPort/);
    expect(view.rows[0]?.fraction).toBe(0.5);
    expect(view.footer).toBe("0/3 done, 1 running · 3.0s");
  });

  it("summarises a finished plan", () => {
    const done = replay([
      ...events,
      { type: "step-succeeded", time: T0 + 4000, step: "cluster", changed: true, summary: "created kit" },
      { type: "plan-finished", time: T0 + 4001, plan: "up", ok: false, cancelled: false, durationMs: 4001 },
    ]);
    const view = stateToView(done, T0 + 9999);
    expect(view.finished).toBe(true);
    expect(view.footer).toBe("1 failed, 1 skipped, 1 done in 4.0s");
  });

  it("formats durations", () => {
    expect(formatDuration(420)).toBe("0.4s");
    expect(formatDuration(12_300)).toBe("12s");
    expect(formatDuration(125_000)).toBe("2m05s");
  });
});

describe("plain printer", () => {
  it("prints one timestamped line per event and failures with their hint", () => {
    let out = "";
    const print = createPlainPrinter({
      write: (t) => {
        out += t;
      },
    });
    for (const e of events) print(e);
    expect(out).toContain("12:00:00.010 [cluster] started");
    expect(out).toContain("12:00:02.000 [db] FAILED");
    expect(out).toContain("    hint: Free it or set database.hostPort in kit.config.yaml.");
    expect(out).toContain("[deploy] skipped: needs db, which failed");
    expect(out).not.toContain("waiting for port 27017");
  });

  it("shows printable text only, at most a screen's width of any line", () => {
    expect(printable("\u001b[32m✓\u001b[0m Ensuring node image (kind.local) 🖼")).toBe(
      "✓ Ensuring node image (kind.local) ",
    );
    const wide = printable(`é${"x".repeat(100_000)}`);
    expect(wide.length).toBe(MAX_VIEW_LINE_CHARS);
  });
});
