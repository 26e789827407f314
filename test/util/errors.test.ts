import { errorOf, expectValidationError, identifier } from './errors';

test('errorOf: the thrown error; fails when nothing is thrown', () => {
  const thrown = new Error('boom');
  expect(errorOf(() => { throw thrown; })).toBe(thrown);
  expect(() => errorOf(() => 42)).toThrow('expected an error, but nothing was thrown');
});

test('identifier: a whole word only', () => {
  expect('invalid channelName: x').toMatch(identifier('channelName'));
  expect('channelName').toMatch(identifier('channelName'));
  expect('invalid signalingChannelName: x').not.toMatch(identifier('channelName'));
  expect('invalid channelName2: x').not.toMatch(identifier('channelName'));
});

describe('expectValidationError', () => {
  test('passes for a lowercase message naming the property and the value', () => {
    expectValidationError(new Error("invalid channelName: 'front door' has a space"), 'channelName', "'front door'");
  });

  test.each([
    ['another property', "invalid signalingChannelName: 'x'", 'channelName', "'x'"],
    ['without the value', 'invalid channelName', 'channelName', "'x'"],
    ['capitalized', "Invalid channelName: 'x'", 'channelName', "'x'"],
  ])('fails for a message naming %s', (_what, message, property, received) => {
    expect(() => expectValidationError(new Error(message), property, received)).toThrow();
  });
});
