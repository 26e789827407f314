/**
 * The onboarding's list function (src/handlers/camera-onboarding/list.lambda.ts): the state table's
 * camera records sorted by name, the budget item left out; nothing without its table.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../src/handlers/camera-onboarding/list.lambda';
import { BUDGET_ITEM } from '../../../src/handlers/camera-onboarding/state';

const ddb = mockClient(DynamoDBClient);
const context = { getRemainingTimeInMillis: () => 30_000 } as any;
const saved = process.env.TABLE_NAME;

beforeEach(() => {
  ddb.reset();
  process.env.TABLE_NAME = 'State';
});
afterAll(() => {
  process.env.TABLE_NAME = saved;
});

test('the records, sorted by name, without the storage budget\'s item; the payload is ignored', async () => {
  ddb.on(ScanCommand).resolves({
    Items: [
      { name: { S: 'shop-2' }, status: { S: 'FAILED' }, reason: { S: 'quota' }, updatedAt: { N: '2' } },
      { name: { S: BUDGET_ITEM }, holders: { SS: ['shop-1'] } },
      { name: { S: 'shop-1' }, status: { S: 'ONBOARDED' }, channelArn: { S: 'arn:channel' }, updatedAt: { N: '1' } },
    ],
  });
  const records = await handler({ action: 'onboard', name: 'shop-3' }, context);
  expect(records.map((r) => [r.name, r.status])).toEqual([['shop-1', 'ONBOARDED'], ['shop-2', 'FAILED']]);
  expect(records[1].reason).toBe('quota');
  expect(ddb.commandCalls(ScanCommand).map((c) => c.args[0].input.TableName)).toEqual(['State']);
  // it only reads
  expect(ddb.calls()).toHaveLength(1);
});

test('an environment without TABLE_NAME is an error that names it', async () => {
  delete process.env.TABLE_NAME;
  await expect(handler({}, context)).rejects.toThrow("the list function's environment has no TABLE_NAME");
  expect(ddb.calls()).toHaveLength(0);
});
