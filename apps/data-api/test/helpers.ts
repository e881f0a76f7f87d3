import type { Config } from "../src/config.ts";
import type { Item, ItemStore, Page } from "../src/store.ts";

/** testConfig is a valid configuration for tests, with overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    version: "test",
    instance: "data-api-test",
    table: "items",
    region: "us-east-1",
    endpoint: undefined,
    maxBodyBytes: 1024,
    defaultPageSize: 2,
    maxPageSize: 5,
    drainDelayMs: 0,
    shutdownTimeoutMs: 5000,
    keepAliveTimeoutMs: 5000,
    logLevel: "error",
    ...overrides,
  };
}

/** MemoryItemStore is the unit tests' store: items in insertion order, pages keyed by id like DynamoDB's. */
export class MemoryItemStore implements ItemStore {
  readonly items = new Map<string, Item>();
  failure: Error | undefined;

  async put(item: Item): Promise<void> {
    this.fail();
    this.items.set(item.id, structuredClone(item));
  }

  async list(limit: number, after?: { id: string }): Promise<Page> {
    this.fail();
    const all = [...this.items.values()];
    const from = after ? all.findIndex((i) => i.id === after.id) + 1 : 0;
    const items = all.slice(from, from + limit);
    const last = items.at(-1);
    return from + limit < all.length && last ? { items, next: { id: last.id } } : { items };
  }

  async delete(id: string): Promise<boolean> {
    this.fail();
    return this.items.delete(id);
  }

  async ready(): Promise<void> {
    this.fail();
  }

  private fail(): void {
    if (this.failure) throw this.failure;
  }
}

/** sequentialIds hands out UUID-shaped ids 1, 2, 3, ... so tests can name them. */
export function sequentialIds(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
}
