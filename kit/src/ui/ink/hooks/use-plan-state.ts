import { useEffect, useState } from "react";
import type { PlanState, PlanStore } from "../../../engine/state.ts";

/**
 * usePlanState subscribes a component to the engine's store, re-rendering at most once per
 * intervalMs: tools can log thousands of lines a second, and rendering each one starved the
 * event loop (kind's output pipe then filled and the cluster step stalled).
 */
export function usePlanState(store: PlanStore, intervalMs = 100): PlanState {
  const [state, setState] = useState(store.getState());
  useEffect(() => {
    let pending = false;
    let timer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      timer = undefined;
      if (!pending) return;
      pending = false;
      setState(store.getState());
    };
    const unsubscribe = store.subscribe((next) => {
      pending = true;
      // The end of a plan shows at once: the front end unmounts soon after it.
      if (next.finished !== undefined) {
        if (timer !== undefined) clearTimeout(timer);
        flush();
        return;
      }
      if (timer === undefined) timer = setTimeout(flush, intervalMs);
    });
    setState(store.getState());
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [store, intervalMs]);
  return state;
}
