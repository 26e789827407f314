/**
 * The onboarding's list function: the run-time cameras and their state (status, reason, ARNs),
 * sorted by name. It only reads: its role may scan the state table and nothing else, so a
 * principal allowed to list (`grantListCameras`) can never make, retire or enqueue a camera.
 * The payload is ignored.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { CameraRecord, StateTable } from './state';
import { TIMING } from './timing';
import { DeadlineBoundCaller } from '../shared/retry';

const MARGIN_MS = 2_000;

let client: DynamoDBClient | undefined;

export async function handler(_event: unknown, context: Context): Promise<CameraRecord[]> {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) {
    throw new Error('the list function\'s environment has no TABLE_NAME');
  }
  client ??= new DynamoDBClient({ maxAttempts: 1, requestHandler: { connectionTimeout: 2_000, requestTimeout: TIMING.requestTimeoutMs } });
  const caller = new DeadlineBoundCaller({ timing: TIMING, deadline: Date.now() + context.getRemainingTimeInMillis() - MARGIN_MS });
  const records = await new StateTable(client, tableName, caller).all();
  return records.sort((a, b) => a.name.localeCompare(b.name));
}
