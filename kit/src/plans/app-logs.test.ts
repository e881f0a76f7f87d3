import { describe, expect, it } from "vitest";
import { formatPodLogLine, shortPodName } from "./app-logs.ts";

describe("formatPodLogLine", () => {
  it("keeps the part of the pod name that tells pods apart", () => {
    expect(shortPodName("go-app-554db4c875-qrfwh", "go-app")).toBe("554db4c875-qrfwh");
    expect(shortPodName("other-pod", "go-app")).toBe("other-pod");
    expect(formatPodLogLine({ pod: "go-app-5f-x", container: "app", line: "{}" }, "go-app")).toBe(
      "5f-x | {}",
    );
    expect(formatPodLogLine({ pod: "go-app-5f-x", container: "app", line: "{}" }, "go-app", true)).toBe(
      "5f-x/app | {}",
    );
  });
});
