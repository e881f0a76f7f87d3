import type { TrafficRecord } from "../types.ts";

/**
 * ReconnectTracker follows one long-lived worker (a stream or a WebSocket): when its connection
 * is lost, the next connection it establishes carries the time it took to come back.
 */
export class ReconnectTracker {
  private lostAt: number | undefined;
  private lostId: number | undefined;

  /** established marks record as connected, stamping reconnectMs if it replaces a lost one. */
  established(record: TrafficRecord): void {
    record.established = Date.now();
    if (this.lostAt !== undefined) {
      record.reconnectMs = record.established - this.lostAt;
      if (this.lostId !== undefined) record.reconnectOf = this.lostId;
      this.lostAt = undefined;
      this.lostId = undefined;
    }
  }

  /** lost marks an established connection as gone (for any reason but the probe stopping). */
  lost(record: TrafficRecord): void {
    if (this.lostAt === undefined) {
      this.lostAt = record.end;
      this.lostId = record.id;
    }
  }
}
