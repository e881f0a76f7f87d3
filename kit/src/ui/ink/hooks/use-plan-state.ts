import { useEffect, useState } from "react";
import type { PlanState, PlanStore } from "../../../engine/state.ts";

/** SubscribableStore is what the Ink views read: the engine's PlanStore and the rollout's live store. */
export interface SubscribableStore<S> {
  getState(): S;
  subscribe(listener: (state: S) => void): () => void;
}

// A constant, so that the default does not resubscribe on every render.
const never = (): boolean => false;

// The flushes of every mounted throttled store with a render still waiting for its timer.
const pending = new Set<() => void>();

/**
 * flushThrottledStores renders at once every state a throttled store holds back, so that a front
 * end's last frame shows the last events before it unmounts, without sleeping out the interval.
 */
export function flushThrottledStores(): void {
  for (const flush of [...pending]) flush();
}

/**
 * useThrottledStore subscribes a component to a store, re-rendering at most once per intervalMs:
 * tools can log thousands of lines a second, and rendering each one starved the event loop (kind's
 * output pipe then filled and the cluster step stalled). A state for which showNow is true renders
 * at once (the end of a plan: the front end unmounts soon after it).
 */
export function useThrottledStore<S>(
  store: SubscribableStore<S>,
  intervalMs: number,
  showNow: (state: S) => boolean = never,
): S {
  const [state, setState] = useState(store.getState());
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      pending.delete(flush);
      setState(store.getState());
    };
    const unsubscribe = store.subscribe((next) => {
      if (showNow(next)) {
        flush();
        return;
      }
      if (timer === undefined) {
        timer = setTimeout(flush, intervalMs);
        pending.add(flush);
      }
    });
    setState(store.getState());
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
      pending.delete(flush);
    };
  }, [store, intervalMs, showNow]);
  return state;
}

const planFinished = (state: PlanState): boolean => state.finished !== undefined;

/** usePlanState is useThrottledStore for the engine's store; the finished plan shows at once. */
export function usePlanState(store: PlanStore, intervalMs = 100): PlanState {
  return useThrottledStore(store, intervalMs, planFinished);
}
