/** Helpers for the config unit tests. */
import { UserError } from "../errors.ts";

/** thrownUserError runs fn and returns the UserError it throws; anything else fails the test. */
export function thrownUserError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error("no error was thrown");
}
