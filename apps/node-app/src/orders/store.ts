import { type Collection, type Db, MongoServerError, ObjectId } from "mongodb";
import { type NewOrder, type Order, type OrderStatus, orderTotal, requestHash } from "./model.ts";

interface OrderDocument {
  _id: ObjectId;
  customerId: string;
  items: NewOrder["items"];
  currency: string;
  total: number;
  status: OrderStatus;
  // Always set (the order id when the client sent no Idempotency-Key), so the unique index needs no sparse or
  // partial option, which FerretDB v1 lacks.
  idempotencyKey: string;
  requestHash: string;
  createdAt: Date;
  updatedAt: Date;
}

/** CreateResult tells whether create made a new order or found the one made earlier with the same key. */
export type CreateResult =
  | { kind: "created"; order: Order }
  | { kind: "replayed"; order: Order }
  | { kind: "key-conflict"; order: Order };

/** CancelResult is the outcome of cancel. */
export type CancelResult =
  | { kind: "cancelled"; order: Order }
  | { kind: "not-found" }
  | { kind: "not-pending"; order: Order };

/** ORDER_INDEXES are the indexes the order queries rely on. */
const ORDER_INDEXES = [
  { key: { idempotencyKey: 1 }, name: "idempotencyKey_unique", unique: true },
  { key: { customerId: 1, _id: -1 }, name: "customerId_id" },
  { key: { status: 1, _id: -1 }, name: "status_id" },
] as const satisfies readonly { key: Record<string, 1 | -1>; name: string; unique?: boolean }[];

/** OrderStore keeps orders in the "orders" collection. It uses only what FerretDB v1 supports: no transactions,
 * change streams or $lookup. */
export class OrderStore {
  private readonly orders: Collection<OrderDocument>;

  constructor(db: Db) {
    this.orders = db.collection<OrderDocument>("orders");
  }

  /**
   * ensureIndexes creates the indexes the queries rely on; it is idempotent and runs at start-up.
   * It creates only the missing ones: FerretDB v1.24 drops the connection (a server-side panic) when
   * createIndexes names an index that already exists, which every pod after the first would do.
   */
  async ensureIndexes(): Promise<void> {
    const existing = new Set(
      (
        await this.orders
          .listIndexes()
          .toArray()
          .catch(() => [])
      ).map((index) => String(index.name)),
    );
    const missing = ORDER_INDEXES.filter((index) => !existing.has(index.name));
    if (missing.length > 0) await this.orders.createIndexes(missing);
  }

  /** create inserts an order, or returns the earlier one when idempotencyKey was used before. */
  async create(input: NewOrder, idempotencyKey?: string): Promise<CreateResult> {
    const now = new Date();
    const _id = new ObjectId();
    const doc: OrderDocument = {
      _id,
      customerId: input.customerId,
      items: input.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
      currency: input.currency,
      total: orderTotal(input.items),
      status: "pending",
      idempotencyKey: idempotencyKey ?? `order:${_id.toHexString()}`,
      requestHash: requestHash(input),
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.orders.insertOne(doc);
      return { kind: "created", order: toOrder(doc) };
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === 11000) || idempotencyKey === undefined) throw err;
      const earlier = await this.orders.findOne({ idempotencyKey });
      if (!earlier) throw err;
      return {
        kind: earlier.requestHash === doc.requestHash ? "replayed" : "key-conflict",
        order: toOrder(earlier),
      };
    }
  }

  /** get returns the order with this id, or undefined. */
  async get(id: string): Promise<Order | undefined> {
    const doc = await this.orders.findOne({ _id: new ObjectId(id) });
    return doc ? toOrder(doc) : undefined;
  }

  /** list returns up to limit orders, newest first, after the order id `after` (cursor pagination). */
  async list(options: {
    limit: number;
    after?: string;
    customerId?: string;
    status?: OrderStatus;
  }): Promise<{ items: Order[]; lastId?: string; hasMore: boolean }> {
    const filter: Record<string, unknown> = {};
    if (options.after) filter._id = { $lt: new ObjectId(options.after) };
    if (options.customerId) filter.customerId = options.customerId;
    if (options.status) filter.status = options.status;
    const docs = await this.orders
      .find(filter)
      .sort({ _id: -1 })
      .limit(options.limit + 1)
      .toArray();
    const page = docs.slice(0, options.limit);
    return {
      items: page.map(toOrder),
      lastId: page.at(-1)?._id.toHexString(),
      hasMore: docs.length > options.limit,
    };
  }

  /** cancel moves a pending order to cancelled; other states are a conflict. */
  async cancel(id: string): Promise<CancelResult> {
    const _id = new ObjectId(id);
    const updated = await this.orders.findOneAndUpdate(
      { _id, status: "pending" },
      { $set: { status: "cancelled", updatedAt: new Date() } },
      { returnDocument: "after" },
    );
    if (updated) return { kind: "cancelled", order: toOrder(updated) };
    const current = await this.orders.findOne({ _id });
    return current ? { kind: "not-pending", order: toOrder(current) } : { kind: "not-found" };
  }
}

function toOrder(doc: OrderDocument): Order {
  return {
    id: doc._id.toHexString(),
    customerId: doc.customerId,
    items: doc.items,
    currency: doc.currency,
    total: doc.total,
    status: doc.status,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
