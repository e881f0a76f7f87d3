import { describe, expect, it } from "vitest";
import { linkId } from "../engine/plan.ts";
import { UserError } from "../errors.ts";
import { buildPlan, parseImageTarget } from "./build.ts";

const config = {
  images: { source: "auto" as const },
  apps: {
    "go-app": {
      path: "apps/go-app",
      image: "go-app",
      chart: "charts/go-app",
      values: { local: ["charts/go-app/values-local.yaml"] },
      hostPort: 30080,
      usesDatabase: false,
      readinessPath: "/readyz",
    },
  },
} as unknown as Parameters<typeof buildPlan>[0]["config"];

describe("parseImageTarget", () => {
  it("splits what Tilt passes as $EXPECTED_REF", () => {
    expect(parseImageTarget("localhost:5001/go-app:tilt-2f1a7c9e0b3d4a55")).toEqual({
      registry: "localhost:5001",
      repository: "go-app",
      tag: "tilt-2f1a7c9e0b3d4a55",
    });
    expect(parseImageTarget("registry.example.com/kit/go-app:v1")?.repository).toBe("kit/go-app");
  });
  it("refuses a reference without a registry, without a tag, or with a digest", () => {
    expect(parseImageTarget("go-app:dev")).toBeUndefined();
    expect(parseImageTarget("library/go-app:dev")).toBeUndefined();
    expect(parseImageTarget("localhost:5001/go-app")).toBeUndefined();
    expect(parseImageTarget("localhost:5001/go-app@sha256:0123")).toBeUndefined();
    expect(parseImageTarget("localhost:5001/Go-App:dev")).toBeUndefined();
  });
});

describe("buildPlan", () => {
  it("builds the image with kit up's step, then pushes it as the tag", () => {
    const plan = buildPlan({ config, root: "/p", app: "go-app", tag: "localhost:5001/go-app:dev" });
    expect(plan.steps.map((s) => [s.id, (s.needs ?? []).map(linkId)])).toEqual([
      ["image-source", []],
      ["image:go-app", ["image-source"]],
      ["push:go-app", ["image:go-app"]],
    ]);
  });
  it("names the unknown app and the apps there are", () => {
    expect(() => buildPlan({ config, root: "/p", app: "web", tag: "localhost:5001/web:dev" })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('"web"'), hint: "Name one of: go-app." }),
    );
  });
  it("names --tag and shows a reference that works", () => {
    const attempt = () => buildPlan({ config, root: "/p", app: "go-app", tag: "go-app" });
    expect(attempt).toThrow(UserError);
    expect(attempt).toThrow(/--tag "go-app"/);
    try {
      attempt();
    } catch (err) {
      expect((err as UserError).hint).toContain("localhost:5001/go-app:dev");
    }
  });
});
