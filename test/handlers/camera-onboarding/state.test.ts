/**
 * The state table: status changes counted once, and the storage budget's slots, taken and released
 * atomically, never past the budget (the empty holder set and a budget of 0 included). Against the
 * DynamoDB stand-in (test/simulation/onboarding-stand-ins), which evaluates the conditions.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StateTable } from '../../../src/handlers/camera-onboarding/state';
import { DeadlineBoundCaller } from '../../../src/handlers/shared/retry';
import { DynamoDbStandIn } from '../../simulation/onboarding-stand-ins';

const ddb = new DynamoDbStandIn();
let client: DynamoDBClient;
const timing = { baseDelayMs: 1, maxDelayMs: 5, requestTimeoutMs: 2_000 };
const table = () => new StateTable(client, 'State', new DeadlineBoundCaller({ timing, deadline: Date.now() + 30_000 }));
const holders = () => ddb.items.get('#storage-budget')?.holders?.SS ?? [];

beforeAll(async () => {
  client = new DynamoDBClient({
    endpoint: await ddb.start(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await ddb.stop();
});
beforeEach(() => {
  ddb.items.clear();
  ddb.throttleRate = 0;
  jest.spyOn(console, 'log').mockImplementation(() => {});
});

describe('the storage budget', () => {
  test('a budget of 0 admits nobody, even with no holder yet', async () => {
    expect(await table().takeSlot('shop-1', 0)).toBe(false);
    expect(holders()).toEqual([]);
  });

  test('a budget of 1 admits the first name, again the same name, and no other', async () => {
    const t = table();
    expect(await t.takeSlot('shop-1', 1)).toBe(true);
    expect(await t.takeSlot('shop-1', 1)).toBe(true);
    expect(await t.takeSlot('shop-2', 1)).toBe(false);
    expect(holders()).toEqual(['shop-1']);
  });

  test('concurrent takers never exceed the budget; a release makes room', async () => {
    const t = table();
    const names = Array.from({ length: 12 }, (_, i) => `shop-${i}`);
    const taken = await Promise.all(names.map((n) => t.takeSlot(n, 5)));
    expect(taken.filter(Boolean)).toHaveLength(5);
    expect(holders()).toHaveLength(5);
    const holder = holders()[0];
    await t.releaseSlot(holder);
    expect(holders()).toHaveLength(4);
    const outsider = names.find((n) => !holders().includes(n) && n !== holder)!;
    expect(await t.takeSlot(outsider, 5)).toBe(true);
    expect(await t.takeSlot('shop-late', 5)).toBe(false);
  });

  test('DynamoDB throttling (ThrottlingException, ProvisionedThroughputExceededException) is retried', async () => {
    ddb.throttleRate = 0.5;
    const t = table();
    for (let i = 0; i < 6; i++) {
      expect(await t.takeSlot(`shop-${i}`, 100)).toBe(true);
    }
    expect(ddb.throttled).toBeGreaterThan(0);
    expect(holders()).toHaveLength(6);
  });
});

describe('records', () => {
  test('a status change is reported once; other fields are written anyway', async () => {
    const t = table();
    expect(await t.set('shop-1', { status: 'PENDING' }, 1)).toBe(true);
    expect(await t.set('shop-1', { status: 'PENDING', reason: 'again' }, 2)).toBe(false);
    expect(await t.get('shop-1')).toEqual(expect.objectContaining({ status: 'PENDING', reason: 'again', updatedAt: 2 }));
    expect(await t.set('shop-1', { status: 'ONBOARDED', reason: undefined }, 3)).toBe(true);
    expect((await t.get('shop-1'))?.reason).toBeUndefined();
  });

  test('all() lists the cameras, not the budget item', async () => {
    const t = table();
    await t.set('shop-1', { status: 'PENDING' }, 1);
    await t.takeSlot('shop-1', 1);
    expect((await t.all()).map((r) => r.name)).toEqual(['shop-1']);
  });
});
