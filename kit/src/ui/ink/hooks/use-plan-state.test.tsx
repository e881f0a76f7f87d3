import { Text } from "ink";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { flushThrottledStores, type SubscribableStore, useThrottledStore } from "./use-plan-state.ts";

/** counter is a store whose state is a number, changed by set. */
function counter(): SubscribableStore<number> & { set(n: number): void } {
  let value = 0;
  const listeners = new Set<(n: number) => void>();
  return {
    getState: () => value,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set: (n) => {
      value = n;
      for (const listener of listeners) listener(n);
    },
  };
}

function Count({ store }: { store: SubscribableStore<number> }) {
  return <Text>count {useThrottledStore(store, 60_000)}</Text>;
}

describe("useThrottledStore", () => {
  it("holds a change back for its interval, and flushThrottledStores draws it at once", async () => {
    const store = counter();
    const { lastFrame, unmount } = render(<Count store={store} />);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the subscription (an effect) is made
    store.set(1);
    store.set(2);
    // Ink's own output throttle is far shorter than the store's minute.
    const inkDraws = () => new Promise((resolve) => setTimeout(resolve, 100));
    await inkDraws();
    expect(lastFrame()).toBe("count 0");
    flushThrottledStores();
    await inkDraws();
    expect(lastFrame()).toBe("count 2");
    // Nothing is left pending: a second flush changes nothing, and unmounting leaves no timer.
    flushThrottledStores();
    unmount();
  });
});
