/**
 * The camera onboarding simulation (test/simulation/onboarding-simulation.ts): the shipped worker
 * bundle, driven as its queue, event source mapping, topic rule and schedule drive it, against
 * loopback stand-ins for Kinesis Video (quotas, CREATING, DELETING, tags, the worker role's IAM
 * decisions), the IoT registry, DynamoDB and SQS. About a minute of real time.
 *
 * Runs in `npx projen test:simulation`, with the deployment simulation.
 */
import { BUDGET, OnboardingSimulationResult, PhaseFigures, RETIRED, REUSED, runOnboardingSimulation, THINGS } from '../../simulation/onboarding-simulation';

let result: OnboardingSimulationResult;
let phase: (name: string) => PhaseFigures;

beforeAll(async () => {
  result = await runOnboardingSimulation();
  phase = (prefix) => result.phases.find((p) => p.phase.startsWith(prefix))!;
}, 280_000);

test('no problem found (every invocation ran, the queue drained, foreign cameras unchanged)', () => {
  expect(result.problems).toEqual([]);
  expect(result.phases.map((p) => p.deadLetters)).toEqual([0, 0, 0, 0, 0, 0]);
});

describe(`${THINGS} things registered in bursts, events duplicated and reordered`, () => {
  test(`converge to ${BUDGET} linked cameras (budget ${BUDGET}) and ${THINGS - BUDGET} over budget`, () => {
    const p = phase('register');
    expect(p.linked).toBe(BUDGET);
    expect(p.channels).toBe(BUDGET);
    expect(p.streams).toBe(BUDGET);
    expect(p.slots).toBe(BUDGET);
    expect(p.records).toEqual({ ONBOARDED: BUDGET, OVER_BUDGET: THINGS - BUDGET, REFUSED: 2 });
  });

  test('each camera counted once as onboarded; every over-budget report a metric', () => {
    const p = phase('register');
    expect(p.metrics.Onboarded).toBe(BUDGET);
    expect(p.metrics.OverBudget).toBeGreaterThanOrEqual(THINGS - BUDGET);
    expect(result.overBudgetReason).toMatch(/storage budget of 100 .* used up; a later reconciliation completes it/);
  });

  test('the link quota (10 per second per account) is never exceeded, and throttling is absorbed', () => {
    expect(Math.max(...result.phases.map((p) => p.peakLinksPerSecond))).toBeLessThanOrEqual(10);
    expect(phase('register').throttled).toBeGreaterThan(0);
  });

  test('a thing deleted before its creation was processed ends with no camera', () => {
    expect(result.ghostHasCamera).toBe(false);
  });

  test('names of cameras it does not own are refused with the reason', () => {
    expect(result.refused['shop-stack-1']).toMatch(/camera of the fleet's stack/);
    expect(result.refused['shop-annex-1']).toMatch(/outside this fleet/);
  });
});

test(`retiring ${RETIRED} unlinks them, deletes their channels, keeps their recordings, frees the budget`, () => {
  const p = phase('delete');
  expect(p.linked).toBe(BUDGET - RETIRED);
  expect(p.channels).toBe(BUDGET - RETIRED);
  expect(p.streams).toBe(BUDGET);
  expect(p.slots).toBe(BUDGET - RETIRED);
  expect(p.metrics.Retired).toBe(RETIRED);
  expect(p.records.RETIRED).toBe(RETIRED);
});

// The two names refused (a stack camera's, another fleet's) are tried again at each reconciliation: their cause may be gone.
const REFUSED_NAMES = 2;

test('the reconciliation completes the cameras over budget; a second one finds nothing to do but the refused names', () => {
  const p = phase('reconciliation');
  const wanted = THINGS - BUDGET + REFUSED_NAMES;
  expect(result.reconciliations[0]).toEqual({ enqueued: wanted, pending: wanted, overBudget: THINGS - BUDGET });
  expect(p.linked).toBe(BUDGET);
  expect(p.records.OVER_BUDGET).toBeUndefined();
  expect(p.records.REFUSED).toBe(REFUSED_NAMES);
  expect(p.metrics.Onboarded).toBe(THINGS - BUDGET);
  expect(result.reconciliations[1]).toEqual({ enqueued: REFUSED_NAMES, pending: REFUSED_NAMES, overBudget: 0 });
});

test('a name reused while its channel is DELETING waits, then records into its kept stream', () => {
  const p = phase('reuse');
  expect(result.reuseCreatesWhileDeleting).toBeGreaterThan(0);
  expect(p.linked).toBe(BUDGET);
  expect(result.reusedStreamsKept).toBe(REUSED);
});

test('a camera refused by the service gets a FAILED record with the reason, and a reconciliation completes it', () => {
  expect(result.serviceRefusal.status).toBe('FAILED');
  expect(result.serviceRefusal.reason).toMatch(/AccountChannelLimitExceededException/);
  expect(result.serviceRefusal.afterReconciliation).toBe('ONBOARDED');
  expect(phase('refused').metrics.Failed).toBeGreaterThanOrEqual(1);
});

test('a camera announced by the backend before its thing exists is made at once, and retired after the grace', () => {
  expect(result.announced).toEqual({ atOnce: 'ONBOARDED', withinGrace: 'ONBOARDED', afterGrace: 'RETIRED' });
});

test('nothing outside the onboarding is touched, and it never tries what its role forbids', () => {
  expect(result.foreignMutations).toEqual([]);
  expect(result.deniedMutations).toBe(0);
  // the only calls on others' names: creates that found the name taken
  expect(result.collisionProbes.every((c) => c.startsWith('CreateSignalingChannel ') && c.endsWith('ResourceInUseException'))).toBe(true);
});

test('logs are structured (JSON with the onboarding id)', () => {
  expect(result.structuredLogLines).toBeGreaterThan(THINGS);
});
