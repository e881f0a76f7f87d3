import { describe, expect, it } from "vitest";
import { formatTable } from "./table.ts";

describe("formatTable", () => {
  it("pads each column to its widest cell, two spaces apart", () => {
    expect(
      formatTable(
        ["NAME", "STATE", "NOTE"],
        [
          ["cluster", "ok", "kind"],
          ["db", "unhealthy", "no answer"],
        ],
      ),
    ).toBe(
      ["NAME     STATE      NOTE", "cluster  ok         kind", "db       unhealthy  no answer"].join("\n"),
    );
  });

  it("lets a header be the widest cell", () => {
    expect(formatTable(["COMPONENT", "X"], [["a", "b"]])).toBe("COMPONENT  X\na          b");
  });

  it("leaves no trailing spaces when the last cells are empty or missing", () => {
    const text = formatTable(["A", "B", "C"], [["wide value", "", ""], ["x"]]);
    expect(text).toBe("A           B  C\nwide value\nx");
  });

  it("prints only the header when there are no rows", () => {
    expect(formatTable(["A", "B"], [])).toBe("A  B");
  });

  it("ignores cells beyond the header", () => {
    expect(formatTable(["A"], [["a", "extra"]])).toBe("A\na");
  });
});
