import { describe, expect, it } from "vitest";
import { UserError } from "../errors.ts";
import { wholeNumber } from "./flags.ts";

describe("wholeNumber", () => {
  const runs = { min: 1, max: 20, example: "--runs 3" };

  it("reads a whole number in range", () => {
    expect(wholeNumber("--runs", "1", runs)).toBe(1);
    expect(wholeNumber("--runs", "20", runs)).toBe(20);
    expect(wholeNumber("--concurrency", "64", { min: 1, example: "--concurrency 2" })).toBe(64);
  });

  it("refuses fractions, notations, signs, blanks and out-of-range values as user errors naming the flag", () => {
    for (const value of ["2.5", "1e1", "0x10", "-1", " 3", "", "three", "0", "21", "99999999999999999999"]) {
      expect(() => wholeNumber("--runs", value, runs), value).toThrow(UserError);
    }
    expect(() => wholeNumber("--runs", "2.5", runs)).toThrow(
      "--runs 2.5 is not a whole number from 1 to 20.",
    );
    expect(() => wholeNumber("--tail", "0", { min: 1, example: "--tail 50" })).toThrow(
      "--tail 0 is not a whole number of 1 or more.",
    );
  });
});
