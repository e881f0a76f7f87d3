import { createHash } from "node:crypto";

/** OrderItem is one line of an order. */
export interface OrderItem {
  sku: string;
  quantity: number;
  unitPrice: number;
}

/** NewOrder is the body of POST /orders. */
export interface NewOrder {
  customerId: string;
  items: OrderItem[];
  currency: string;
}

/** OrderStatus is an order's state: created pending, possibly cancelled. */
export type OrderStatus = "pending" | "cancelled";

/** Order is an order as the API returns it. */
export interface Order extends NewOrder {
  id: string;
  total: number;
  status: OrderStatus;
  createdAt: string;
  updatedAt: string;
}

/** orderTotal sums quantity x unit price, rounded to cents. */
export function orderTotal(items: OrderItem[]): number {
  const cents = items.reduce((sum, item) => sum + Math.round(item.unitPrice * 100) * item.quantity, 0);
  return cents / 100;
}

/** requestHash fingerprints a create request, so a reused Idempotency-Key with another body is detected. */
export function requestHash(order: NewOrder): string {
  const canonical = JSON.stringify([
    order.customerId,
    order.currency,
    order.items.map((i) => [i.sku, i.quantity, i.unitPrice]),
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** encodeCursor makes the opaque pagination cursor that points after the order with this id. */
export function encodeCursor(id: string): string {
  return Buffer.from(`o:${id}`).toString("base64url");
}

/** decodeCursor returns the order id in a cursor, or undefined when the cursor is not one of ours. */
export function decodeCursor(cursor: string): string | undefined {
  const decoded = Buffer.from(cursor, "base64url").toString();
  const match = /^o:([0-9a-f]{24})$/.exec(decoded);
  return match?.[1];
}
