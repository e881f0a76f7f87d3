import { useSyncExternalStore } from "react";
import type { PlanState, PlanStore } from "../../../engine/state.ts";

/** usePlanState subscribes a component to the engine's store. */
export function usePlanState(store: PlanStore): PlanState {
  return useSyncExternalStore(
    (listener) => store.subscribe(listener),
    () => store.getState(),
  );
}
