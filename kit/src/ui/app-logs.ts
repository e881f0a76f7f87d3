/**
 * app-logs is what the Ink view shows when the user follows an app's logs: which app, what the
 * follower is doing, and the last lines. AppLogFeed is its store; AppLogFollower starts and stops
 * the engine's follower (appLogSource) when the view asks, so the view never reads a cluster
 * itself.
 */
import { errorMessage } from "../errors.ts";
import { type AppLogSource, formatPodLogLine } from "../plans/app-logs.ts";

/** Fields every line of the apps repeats, or the pane shows elsewhere (pod). */
const REPEATED_FIELDS = new Set(["time", "level", "msg", "message", "app", "pod", "hostname", "pid", "v"]);

/**
 * compactLogLine renders a JSON log line (slog, pino) as `HH:MM:SS.mmm LEVEL msg key=value ...`
 * for a pane a screen wide: the raw JSON puts what matters past the edge. Other lines pass as is.
 */
export function compactLogLine(line: string): string {
  if (!line.startsWith("{")) return line;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof record !== "object" || record === null || Array.isArray(record)) return line;
  const time =
    typeof record.time === "string" ? (/T(\d\d:\d\d:\d\d(?:\.\d{1,3})?)/.exec(record.time)?.[1] ?? "") : "";
  const level = typeof record.level === "string" ? record.level.toUpperCase() : "";
  const message = record.msg ?? record.message;
  const fields = Object.entries(record)
    .filter(([key]) => !REPEATED_FIELDS.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  return [time, level, typeof message === "string" ? message : "", ...fields].filter(Boolean).join(" ");
}

/** AppLogFeedState is the followed app (none: the view shows step logs), its status and lines. */
export interface AppLogFeedState {
  app?: string;
  status: string;
  lines: string[];
}

/** MAX_APP_LOG_LINES bounds the lines kept in memory for the followed app. */
export const MAX_APP_LOG_LINES = 500;

/** AppLogFeed holds the followed app's lines; lines of an app no longer followed are dropped. */
export class AppLogFeed {
  private state: AppLogFeedState = { status: "", lines: [] };
  private readonly listeners = new Set<(state: AppLogFeedState) => void>();

  getState(): AppLogFeedState {
    return this.state;
  }

  subscribe(listener: (state: AppLogFeedState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** show switches to app (undefined: back to step logs) and clears the lines. */
  show(app: string | undefined): void {
    this.set({ app, status: app ? "connecting" : "", lines: [] });
  }

  /** push adds a line for app, if app is still the one shown. */
  push(app: string, line: string): void {
    if (this.state.app !== app) return;
    const lines = [...this.state.lines, line];
    this.set({
      ...this.state,
      lines: lines.length > MAX_APP_LOG_LINES ? lines.slice(-MAX_APP_LOG_LINES) : lines,
    });
  }

  /** setStatus records what app's follower is doing, if app is still the one shown. */
  setStatus(app: string, status: string): void {
    if (this.state.app !== app) return;
    this.set({ ...this.state, status });
  }

  private set(state: AppLogFeedState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}

/** AppLogFollower follows one app at a time into a feed; follow(undefined) stops. */
export class AppLogFollower {
  private current?: AbortController;

  constructor(
    readonly feed: AppLogFeed,
    private readonly source: AppLogSource,
  ) {}

  get apps(): string[] {
    return this.source.apps;
  }

  /** follow stops following the previous app and starts on app (none: stop). */
  follow(app: string | undefined): void {
    this.current?.abort();
    this.current = undefined;
    this.feed.show(app);
    if (app === undefined) return;
    const controller = new AbortController();
    this.current = controller;
    const feed = this.feed;
    Promise.resolve()
      .then(() =>
        this.source.follow(app, {
          onLine: (line) =>
            feed.push(app, formatPodLogLine({ ...line, line: compactLogLine(line.line) }, app)),
          onStatus: (status) => feed.setStatus(app, status),
          signal: controller.signal,
        }),
      )
      .catch((err: unknown) => feed.setStatus(app, `stopped: ${errorMessage(err)}`));
  }

  /** stop ends any follow (the view is closing). */
  stop(): void {
    this.current?.abort();
    this.current = undefined;
  }
}
