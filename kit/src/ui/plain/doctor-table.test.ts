import { describe, expect, it } from "vitest";
import type { ToolCheck } from "../../tools/doctor/requirements.ts";
import { formatDoctorTable } from "./doctor-table.ts";

const check = (over: Partial<ToolCheck>): ToolCheck => ({
  name: "tool",
  required: true,
  wants: "any",
  found: {},
  status: "ok",
  fix: "kit doctor --fix",
  purpose: "a test",
  ...over,
});

describe("formatDoctorTable", () => {
  it("aligns each tool's version, requirement, status and path or fix", () => {
    const text = formatDoctorTable([
      check({ name: "docker", wants: ">= 23", found: { version: "27.1.0", path: "/usr/bin/docker" } }),
      check({ name: "helm", wants: "= v3", status: "missing" }),
      check({ name: "tofu", required: false, status: "outdated", found: { path: "/x/tofu", note: "old" } }),
    ]);
    expect(text).toBe(
      [
        "TOOL    FOUND    REQUIRED  STATUS               PATH / NOTE",
        "docker  27.1.0   >= 23     ok                   /usr/bin/docker",
        "helm    -        = v3      MISSING              fix: kit doctor --fix",
        "tofu    present  any       outdated (optional)  /x/tofu  old",
        "",
      ].join("\n"),
    );
  });
});
