import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import type { StepRowView } from "../../view.ts";
import { StepList } from "./StepList.tsx";

const row = (over: Partial<StepRowView>): StepRowView => ({
  id: "terraform",
  title: "terraform (local env, against the emulator)",
  status: "failed",
  symbol: "✗",
  elapsed: "36s",
  detail: "",
  selected: false,
  ...over,
});

describe("StepList", () => {
  it("keeps a row on one line: a long detail is cut, the state, title and time stay whole", () => {
    const detail = `running terraform apply in /work/main/terraform/environments/local against the emulator at http://127.0.0.1:4566: ${"x".repeat(300)}`;
    const { lastFrame, unmount } = render(
      <StepList
        frame={0}
        rows={[
          row({ selected: true, detail }),
          row({ id: "cluster", title: "cluster kit", status: "succeeded", symbol: "✓", detail: "created" }),
        ]}
      />,
    );
    const lines = (lastFrame() ?? "").split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^❯ ✗ terraform \(local env, against the em\s+36s running terraform apply in/);
    expect(lines[0]).toMatch(/…$/);
    expect(lines[1]).toMatch(/^ {2}✓ cluster kit\s+36s created$/);
    unmount();
  });
});
