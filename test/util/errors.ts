/**
 * The library's rule for bad input: a clear error before deployment, starting lowercase,
 * naming the property and showing the value received.
 */

/** The error `fn` throws; fails the test when it throws nothing. */
export function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but nothing was thrown');
}

/** A regex matching `word` as a whole identifier (so `channelName` does not match `signalingChannelName`). */
export function identifier(word: string): RegExp {
  return new RegExp(`(^|[^A-Za-z0-9_])${word}([^A-Za-z0-9_]|$)`);
}

/**
 * Asserts that the error names `property` (as a whole word), shows `received`, and starts
 * with a lowercase letter.
 */
export function expectValidationError(error: Error, property: string, received: string): void {
  const message = error.message;
  expect(message).toMatch(identifier(property));
  expect(message).toContain(received);
  expect(message[0]).toBe(message[0].toLowerCase());
}

/** The error's message contains each of `parts` (one assertion each, so a failure names the missing part). */
export function expectMentions(error: Error, parts: readonly string[]): void {
  for (const part of parts) {
    expect(error.message).toContain(part);
  }
}
