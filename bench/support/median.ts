/** median is the middle value (the upper one of the two middles for an even count), as every bench reports it. */
export const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
