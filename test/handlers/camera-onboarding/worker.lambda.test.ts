/**
 * The worker (src/handlers/camera-onboarding/worker.lambda.ts), in this process, against the
 * loopback stand-ins (Kinesis Video, the IoT registry, DynamoDB, SQS): what ends a camera at
 * once, undoes what the attempt made and frees its slot; REFUSED and FAILED tried again and
 * retired; the budget never exceeded; payloads other than its queue's and its schedule's refused.
 * The same scenarios run against the shipped bundle in faults.simulation.test.ts.
 */
import { handler, refuse } from '../../../src/handlers/camera-onboarding/worker.lambda';
import { CAMERA_ONBOARDING_ENV } from '../../../src/private/camera-onboarding-settings';
import { FLEET_TAG_KEY, ONBOARDING_TAG_KEY } from '../../../src/private/tags-and-quotas';
import { KvsControlPlaneStandIn } from '../../simulation/kvs-control-plane-stand-in';
import { setWorkerEnvironment } from '../../simulation/onboarding-simulation';
import { DynamoDbStandIn, IotRegistryStandIn, SqsStandIn } from '../../simulation/onboarding-stand-ins';

const FLEET_TAG = [FLEET_TAG_KEY, 'Shop/fleet'] as const;
const ONBOARDING_TAG = [ONBOARDING_TAG_KEY, 'Shop/onboarding'] as const;
const kvs = new KvsControlPlaneStandIn({ prefix: 'shop-', fleetTag: FLEET_TAG, onboardingTag: ONBOARDING_TAG }, 50, 100);
const iot = new IotRegistryStandIn();
const ddb = new DynamoDbStandIn();
const sqs = new SqsStandIn();
const context = { getRemainingTimeInMillis: () => 60_000, logStreamName: 'test' } as any;
let logs: string[];

const deliver = async (...names: string[]) => handler({
  Records: names.map((name, i) => ({ messageId: `m${i}`, body: JSON.stringify({ name }), eventSource: 'aws:sqs' })),
} as any, context) as Promise<{ batchItemFailures: unknown[] }>;
const status = (name: string) => ddb.items.get(name)?.status?.S;
const slots = () => ddb.items.get('#storage-budget')?.holders?.SS ?? [];
const ours = (kind: 'channel' | 'stream') => kvs.live(kind).filter((r) => r.tags[ONBOARDING_TAG[0]] === ONBOARDING_TAG[1]).map((r) => r.name).sort();
const metric = (name: string) => logs.map((l) => { try { return JSON.parse(l); } catch { return {}; } }).filter((l) => l[name] !== undefined).length;

beforeAll(async () => {
  await setWorkerEnvironment({ kvs, iot, ddb, sqs }, { prefix: 'shop-', fleetTag: FLEET_TAG, onboardingTag: ONBOARDING_TAG, budget: 10 });
});
afterAll(async () => {
  await Promise.all([kvs.stop(), iot.stop(), ddb.stop(), sqs.stop()]);
});
beforeEach(() => {
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((line) => void logs.push(String(line)));
  jest.spyOn(console, 'error').mockImplementation((line) => void logs.push(String(line)));
  process.env[CAMERA_ONBOARDING_ENV.storageBudget] = '10';
});

test('a stream name owned by another fleet: REFUSED at once, the channel made for it deleted, its slot freed', async () => {
  kvs.addStream('shop-clash', { [FLEET_TAG[0]]: 'Shop/annex' });
  iot.register('shop-clash');
  expect((await deliver('shop-clash')).batchItemFailures).toEqual([]);
  expect(status('shop-clash')).toBe('REFUSED');
  expect(ddb.items.get('shop-clash')?.reason?.S).toMatch(/taken by a video stream outside this fleet/);
  expect(ours('channel')).toEqual([]);
  expect(slots()).toEqual([]);
  expect(metric('Failed')).toBe(1);
  expect(kvs.calls.filter((c) => c.operation === 'DeleteSignalingChannel' && c.outcome === 'OK')).toHaveLength(1);
});

test('REFUSED is tried again once the clash is gone, and ends ONBOARDED', async () => {
  kvs.forget('stream', 'shop-clash');
  await new Promise((r) => setTimeout(r, 150)); // the channel deleted before is gone
  expect((await deliver('shop-clash')).batchItemFailures).toEqual([]);
  expect(status('shop-clash')).toBe('ONBOARDED');
  expect(slots()).toEqual(['shop-clash']);
  expect(ours('channel')).toEqual(['shop-clash']);
});

test('REFUSED is retired when its thing is deleted', async () => {
  kvs.addCamera('shop-stack', { [FLEET_TAG[0]]: FLEET_TAG[1] }, { linked: true });
  iot.register('shop-stack');
  await deliver('shop-stack');
  expect(status('shop-stack')).toBe('REFUSED');
  iot.deregister('shop-stack');
  await deliver('shop-stack');
  expect(status('shop-stack')).toBe('RETIRED');
  expect(kvs.find('channel', 'shop-stack')?.status).toBe('ACTIVE'); // the stack's camera, untouched
  expect(slots()).toEqual(['shop-clash']);
});

test('a validation error mid-creation (CreateStream): FAILED at once, no channel or stream left, slot freed', async () => {
  kvs.injected.set('CreateStream', 'InvalidArgumentException');
  iot.register('shop-bad');
  try {
    expect((await deliver('shop-bad')).batchItemFailures).toEqual([]);
  } finally {
    kvs.injected.clear();
  }
  expect(status('shop-bad')).toBe('FAILED');
  expect(ddb.items.get('shop-bad')?.reason?.S).toMatch(/InvalidArgumentException/);
  expect(ours('channel')).toEqual(['shop-clash']);
  expect(ours('stream')).toEqual(['shop-clash']);
  expect(slots()).toEqual(['shop-clash']);
  // FAILED is enqueued by the reconciliation, and completes once the cause is gone
  const reconciled = await handler({ action: 'reconcile' }, context) as { enqueued: string[] };
  expect(reconciled.enqueued).toContain('shop-bad');
  await new Promise((r) => setTimeout(r, 150));
  await deliver('shop-bad');
  expect(status('shop-bad')).toBe('ONBOARDED');
});

test('budget 0: nothing admitted, nothing made', async () => {
  process.env[CAMERA_ONBOARDING_ENV.storageBudget] = '0';
  iot.register('shop-zero');
  await deliver('shop-zero');
  expect(status('shop-zero')).toBe('OVER_BUDGET');
  expect(kvs.find('channel', 'shop-zero')).toBeUndefined();
  expect(slots()).not.toContain('shop-zero');
});

describe('payloads other than the queue\'s and the schedule\'s are refused, before any call', () => {
  test.each([
    ['a CloudFormation request', { RequestType: 'Create', ResponseURL: 'https://attacker.example/put', StackId: 's', RequestId: 'r', LogicalResourceId: 'l' }],
    ['a list request', { action: 'list' }],
    ['a reconcile with extra fields', { action: 'reconcile', ResponseURL: 'https://attacker.example/put' }],
    ['records that are not SQS\'s', { Records: [{ messageId: 'm', body: '{"name":"shop-x","provisioning":true}', eventSource: 'aws:s3' }] }],
    ['nothing', null],
  ])('%s', async (_, event) => {
    const before = kvs.calls.length + ddb.items.size;
    expect(refuse(event)).toBeDefined();
    await expect(handler(event as any, context)).rejects.toThrow(/accepts only/);
    expect(kvs.calls.length + ddb.items.size).toBe(before);
  });

  test('the schedule\'s event and the queue\'s batches are accepted', () => {
    expect(refuse({ action: 'reconcile' })).toBeUndefined();
    expect(refuse({ Records: [{ messageId: 'm', body: '{}', eventSource: 'aws:sqs' }] })).toBeUndefined();
  });
});
