import { describe, expect, it } from "vitest";
import { servedByOther } from "./wait.ts";

describe("servedByOther", () => {
  it("accepts the release's own pods and answers without the header", () => {
    expect(
      servedByOther(new Headers({ "x-served-by": "go-app-5959d464bc-n5v6z" }), "go-app"),
    ).toBeUndefined();
    expect(servedByOther(new Headers(), "go-app")).toBeUndefined();
    expect(servedByOther(new Headers({ "x-served-by": "node-app-1" }), undefined)).toBeUndefined();
  });

  it("names another app's pod that answered on a stale endpoint", () => {
    expect(servedByOther(new Headers({ "x-served-by": "go-app-5959d464bc-n5v6z" }), "node-app")).toBe(
      "go-app-5959d464bc-n5v6z",
    );
    // A release whose name is a prefix of another's is not fooled by it.
    expect(
      servedByOther(new Headers({ "x-served-by": "go-app-canary-7d9-x" }), "go-app-canary"),
    ).toBeUndefined();
    expect(servedByOther(new Headers({ "x-served-by": "go-application-7d9-x" }), "go-app")).toBe(
      "go-application-7d9-x",
    );
  });
});
