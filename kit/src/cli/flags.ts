/**
 * flags reads the values of numeric command-line flags one way: a whole number in a range, or a
 * UserError (exit 2) naming the flag, the value, the range and an example.
 */
import { UserError } from "../errors.ts";

/** WholeNumberRange bounds a flag's value and gives an example for the error. */
export interface WholeNumberRange {
  min: number;
  max?: number;
  example: string;
}

/** wholeNumber reads a flag's value as a whole number in range ("2.5", "1e3", "0x10", " 3" are refused). */
export function wholeNumber(flag: string, value: string, range: WholeNumberRange): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  const inRange = number >= range.min && (range.max === undefined || number <= range.max);
  if (Number.isSafeInteger(number) && inRange) return number;
  const bounds = range.max === undefined ? `of ${range.min} or more` : `from ${range.min} to ${range.max}`;
  throw new UserError(`${flag} ${value} is not a whole number ${bounds}.`, {
    hint: `For example: ${range.example}.`,
  });
}
