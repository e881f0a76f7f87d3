import { describe, expect, it } from "vitest";
import { formatStatusTable } from "./status.ts";

describe("formatStatusTable", () => {
  it("aligns components, leaving out an absent endpoint", () => {
    const text = formatStatusTable([
      {
        component: "cluster",
        state: "healthy",
        detail: "kind kit-local",
        endpoint: "https://127.0.0.1:6443",
      },
      { component: "app go-app", state: "absent", detail: "not installed" },
    ]);
    expect(text).toBe(
      [
        "COMPONENT   STATE    DETAIL          ENDPOINT",
        "cluster     healthy  kind kit-local  https://127.0.0.1:6443",
        "app go-app  absent   not installed",
        "",
      ].join("\n"),
    );
  });
});
