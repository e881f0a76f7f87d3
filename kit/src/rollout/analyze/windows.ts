/**
 * The time windows the classifier matches failures to pod events with, in one place. Each is a
 * judgement about how Kubernetes and apps behave; `toleranceMs` (clock and watch lag) is added on
 * top where a failure is matched to an event.
 */

/** DEFAULT_TOLERANCE_MS is the default slack when matching a failure to a cluster event. */
export const DEFAULT_TOLERANCE_MS = 2000;

/** OUTAGE_AFTERMATH_MS: failures this long after the last ready pod came back still belong to the outage (requests sent during it end late). */
export const OUTAGE_AFTERMATH_MS = 1000;

/** READY_LEAD_MS: a failure this long before a pod's ready event can be its fault (kube-proxy may route to it before the watch reports it). */
export const READY_LEAD_MS = 500;

/** WARM_UP_MS: failures this long after a new pod became ready are blamed on it being ready too early (an app warming up). */
export const WARM_UP_MS = 5000;

/** READY_AT_ONCE_MS: a pod ready this soon after it was created cannot have had a readiness probe that waited for the app. */
export const READY_AT_ONCE_MS = 1000;

/** GRACEFUL_DRAIN_MS: a pod still closing connections this long after SIGTERM was draining, not exiting at once. */
export const GRACEFUL_DRAIN_MS = 1500;

/** DEFAULT_GRACE_PERIOD_SECONDS is Kubernetes' terminationGracePeriodSeconds when a pod does not set it. */
export const DEFAULT_GRACE_PERIOD_SECONDS = 30;

/** SIGKILL_EXIT_CODE is a container's exit code when the kubelet killed it (128 + SIGKILL). */
export const SIGKILL_EXIT_CODE = 137;
