/**
 * The onboarding under faults and misuse (test/simulation/onboarding-faults.ts): the shipped
 * worker bundle, driven as its queue, event source mapping, topic rule and schedule drive it,
 * against the loopback stand-ins, one fresh world per scenario. Each test asserts the end state:
 * records, the onboarding's channels and streams (by tag), links, slots, queue, metrics.
 * Bad settings are refused at synthesis, before any worker runs.
 *
 * Runs in `npx projen test:simulation`.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { CameraFleet, CameraOnboarding } from '../../../src';
import { FaultsResult, runOnboardingFaults } from '../../simulation/onboarding-faults';

let result: FaultsResult;

beforeAll(async () => {
  result = await runOnboardingFaults();
}, 400_000);

test('forged invocations are refused before any call: nothing made, recorded, sent or answered', () => {
  const f = result.forged;
  expect(f.extra.answers).toEqual(Array(5).fill(expect.stringMatching(/^the worker accepts only/)));
  expect(f.extra.requestsToTheNamedUrl).toBe(0);
  expect(f.extra.kvsCalls).toBe(0);
  expect(f.extra.records).toBe(0);
  expect(f.extra.messagesSent).toBe(0);
  expect(f.statuses['shop-forged']).toBeUndefined();
  expect([f.ownChannels, f.ownStreams, f.figures.slots, f.figures.metrics]).toEqual([[], [], 0, {}]);
});

test('bad fleet defaults are refused at synthesis, with addCamera\'s message: no worker ever runs with them', () => {
  const stack = new Stack(new App(), 'Shop');
  const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'shop-', retention: Duration.hours(0) });
  expect(() => new CameraOnboarding(stack, 'Onboarding', { fleet, storageBudget: 2 }))
    .toThrow(/^invalid retention: expected .*, got 0 hours?.*, in 'Shop\/Fleet'$/);
  expect(() => new CameraOnboarding(new Stack(new App(), 'S'), 'O', { fleet: new CameraFleet(stack, 'F2', { namePrefix: 'x-' }), storageBudget: 0 }))
    .toThrow(/^invalid storageBudget/);
});

describe('a validation error mid-creation (CreateStream refused after the channel was made)', () => {
  test('every camera FAILED at once with the reason; no channel or stream left; every slot free; nothing dead-lettered', () => {
    const m = result.midCreation;
    expect(m.extra.createdChannels).toBe(10);
    expect(Object.values(m.statuses)).toEqual(Array(10).fill('FAILED'));
    expect(Object.values(m.reasons).every((r) => /InvalidArgumentException/.test(r ?? ''))).toBe(true);
    expect([m.ownChannels, m.ownStreams, m.figures.linked, m.figures.slots]).toEqual([[], [], 0, 0]);
    expect(m.figures.deadLetters).toBe(0);
    expect(m.figures.metrics.Failed).toBe(10);
    expect(m.figures.metrics.Onboarded).toBeUndefined();
    expect(m.problems).toEqual([]);
  });

  test('the reconciliation tries them again once the cause is gone: all linked', () => {
    const a = result.midCreation.afterReconciliation;
    expect(a.extra.enqueued).toBe(10);
    expect(Object.values(a.statuses)).toEqual(Array(10).fill('ONBOARDED'));
    expect([a.figures.linked, a.figures.slots, a.ownChannels.length, a.ownStreams.length]).toEqual([10, 10, 10, 10]);
    expect(a.figures.metrics.Onboarded).toBe(10);
  });
});

describe('names whose stream belongs to another fleet', () => {
  test('REFUSED with the reason; the channel made for each deleted; no slot held', () => {
    const r = result.refused;
    expect(r.statuses).toEqual({ 'shop-clash-1': 'REFUSED', 'shop-clash-2': 'REFUSED' });
    expect(r.reasons['shop-clash-1']).toMatch(/taken by a video stream outside this fleet/);
    expect([r.ownChannels, r.ownStreams, r.figures.slots]).toEqual([[], [], 0]);
    expect(r.figures.metrics.Failed).toBeGreaterThanOrEqual(2);
    expect(r.figures.deadLetters).toBe(0);
  });

  test('the clash cleared: ONBOARDED by the next reconciliation; the thing deleted: RETIRED, the other fleet\'s stream untouched', () => {
    const a = result.refused.afterClash;
    expect(a.statuses).toEqual({ 'shop-clash-1': 'ONBOARDED', 'shop-clash-2': 'RETIRED' });
    expect(a.extra.enqueued).toEqual(['shop-clash-1']);
    expect([a.ownChannels, a.ownStreams, a.figures.linked, a.figures.slots]).toEqual([['shop-clash-1'], ['shop-clash-1'], 1, 1]);
    expect(a.extra.annexStreamOf2).toBe('Shop/annex');
    expect(a.problems).toEqual([]);
  });
});

describe('IoT, DynamoDB and SQS throttling 20% of calls; 150 things, budget 100', () => {
  test('every camera converges: exactly 100 linked and 100 slots, 50 over budget, nothing dead-lettered', () => {
    const t = result.throttled;
    const throttled = t.extra.throttled as Record<string, number>;
    expect(throttled.iot).toBeGreaterThan(0);
    expect(throttled.dynamodb).toBeGreaterThan(0);
    expect(throttled.sqs).toBeGreaterThan(0);
    expect((t.extra.reconciliations as number[])[0]).toBe(100); // the things whose events were not sent
    expect([t.figures.linked, t.figures.slots, t.ownChannels.length, t.ownStreams.length]).toEqual([100, 100, 100, 100]);
    expect(t.figures.records).toEqual({ ONBOARDED: 100, OVER_BUDGET: 50 });
    expect(t.figures.metrics.Onboarded).toBe(100);
    expect(t.figures.deadLetters).toBe(0);
    expect(t.problems).toEqual([]);
  });

  test('50 deleted and a reconciliation: 50 retired, the 50 over budget linked; still exactly 100 slots', () => {
    const a = result.throttled.afterRetirement;
    expect([a.figures.linked, a.figures.slots, a.ownChannels.length]).toEqual([100, 100, 100]);
    expect(a.figures.records).toEqual({ ONBOARDED: 100, RETIRED: 50 });
    expect(a.figures.metrics.Retired).toBe(50);
    expect(a.figures.metrics.Onboarded).toBe(50);
    expect(a.figures.deadLetters).toBe(0);
    expect(a.problems).toEqual([]);
  });
});

test('budget 0 at 150 things: nothing made, no slot, 150 over budget', () => {
  const z = result.budgetZero;
  expect(z.extra.creates).toBe(0);
  expect([z.ownChannels, z.ownStreams, z.figures.slots, z.figures.linked]).toEqual([[], [], 0, 0]);
  expect(z.figures.records).toEqual({ OVER_BUDGET: 150 });
  expect(z.figures.metrics.OverBudget).toBeGreaterThanOrEqual(150);
  expect(z.figures.deadLetters).toBe(0);
});
