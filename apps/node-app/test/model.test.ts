import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, orderTotal, requestHash } from "../src/orders/model.ts";

describe("orderTotal", () => {
  it("sums in cents, so binary fractions do not leak", () => {
    expect(orderTotal([{ sku: "a", quantity: 3, unitPrice: 0.1 }])).toBe(0.3);
    expect(
      orderTotal([
        { sku: "a", quantity: 2, unitPrice: 9.5 },
        { sku: "b", quantity: 1, unitPrice: 0.99 },
      ]),
    ).toBe(19.99);
  });
});

describe("cursor", () => {
  it("round-trips an order id and rejects anything else", () => {
    const id = "65f1c0ffee0000000000abcd";
    expect(decodeCursor(encodeCursor(id))).toBe(id);
    expect(decodeCursor("not-a-cursor")).toBeUndefined();
    expect(decodeCursor(Buffer.from("o:zzz").toString("base64url"))).toBeUndefined();
  });
});

describe("requestHash", () => {
  it("is equal for equal requests and differs when an item changes", () => {
    const order = { customerId: "c", currency: "EUR", items: [{ sku: "a", quantity: 1, unitPrice: 2 }] };
    expect(requestHash(order)).toBe(requestHash(structuredClone(order)));
    expect(requestHash({ ...order, items: [{ sku: "a", quantity: 2, unitPrice: 2 }] })).not.toBe(
      requestHash(order),
    );
  });
});
