/**
 * The onboarding's state in its DynamoDB table: one item per camera name (its status and, for a
 * camera that could not be made, the reason: the dead-letter record), and one item holding the
 * storage budget's slots, taken and released atomically so that concurrent workers never exceed it.
 */
import {
  AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  GetItemCommandOutput,
  ScanCommand,
  ScanCommandOutput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DeadlineBoundCaller, errorName } from '../shared/retry';

/** Where a camera stands. */
export type CameraStatus =
  /** being made: recorded before the first resource is created */
  | 'PENDING'
  /** channel and stream ACTIVE, linked */
  | 'ONBOARDED'
  /** not made: the storage budget is used up; a later reconciliation completes it */
  | 'OVER_BUDGET'
  /** not made or not finished: the service refused it (the reason says why); retried by reconciliation */
  | 'FAILED'
  /** never made: the name is taken by a resource the onboarding does not own (a camera of the stack, another fleet) */
  | 'REFUSED'
  /** unlinked and its channel deleted; its stream kept or deleted per the removal policy */
  | 'RETIRED';

export interface CameraRecord {
  readonly name: string;
  readonly status: CameraStatus;
  readonly reason?: string;
  readonly channelArn?: string;
  readonly streamArn?: string;
  /** Epoch ms until which the camera is wanted even without its thing (announced by the backend before provisioning). */
  readonly expectThingUntil?: number;
  /** The access group applied to the channel and stream ('' for none; absent: not applied yet), for reconciliation to find drift. */
  readonly accessGroup?: string;
  readonly updatedAt: number;
}

/** The item of the budget: a name no camera can have ('#' is not allowed in channel names). */
export const BUDGET_ITEM = '#storage-budget';

/** The condition of a status change: the record does not have that status yet. */
const STATUS_CHANGES = 'attribute_not_exists(#status) OR #status <> :status';

export class StateTable {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly caller: DeadlineBoundCaller,
  ) {}

  public async get(name: string): Promise<CameraRecord | undefined> {
    const out = await this.caller.retrying(`could not read the record of camera ${name}`, () =>
      this.caller.call<GetItemCommandOutput>(this.client,
        new GetItemCommand({ TableName: this.tableName, Key: { name: { S: name } }, ConsistentRead: true })));
    return out.Item ? fromItem(out.Item) : undefined;
  }

  /**
   * Sets the fields given; `reason: undefined` removes the reason. With `status`, returns whether
   * this call changed the status (concurrent deliveries of one name: exactly one of them did).
   */
  public async set(name: string, fields: Partial<Omit<CameraRecord, 'name' | 'updatedAt'>>, now: number): Promise<boolean> {
    const sets: string[] = ['#updatedAt = :updatedAt'];
    const removes: string[] = [];
    const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
    const values: Record<string, AttributeValue> = { ':updatedAt': { N: String(now) } };
    for (const [key, value] of Object.entries(fields)) {
      names[`#${key}`] = key;
      if (value === undefined) {
        removes.push(`#${key}`);
      } else {
        sets.push(`#${key} = :${key}`);
        values[`:${key}`] = typeof value === 'number' ? { N: String(value) } : { S: String(value) };
      }
    }
    const expression = `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`;
    const changesStatus = fields.status !== undefined;
    try {
      await this.caller.retrying(`could not write the record of camera ${name}`, () =>
        this.caller.call(this.client, new UpdateItemCommand({
          TableName: this.tableName,
          Key: { name: { S: name } },
          UpdateExpression: expression,
          ConditionExpression: changesStatus ? STATUS_CHANGES : undefined,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        })));
      return changesStatus;
    } catch (e) {
      if (changesStatus && errorName((e as { cause?: unknown }).cause) === 'ConditionalCheckFailedException') {
        // The status is already the one given: write the other fields without the condition.
        const { status: _, ...rest } = fields;
        if (Object.keys(rest).length > 0) {
          await this.set(name, rest, now);
        }
        return false;
      }
      throw e;
    }
  }

  /** Every camera record (not the budget item). */
  public async all(): Promise<CameraRecord[]> {
    const records: CameraRecord[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.caller.retrying('could not scan the camera records', () =>
        this.caller.call<ScanCommandOutput>(this.client,
          new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start, ConsistentRead: true })));
      for (const item of page.Items ?? []) {
        if (item.name?.S !== BUDGET_ITEM) {
          records.push(fromItem(item));
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return records;
  }

  /** Takes a slot of the budget for `name` (idempotent: a name holds at most one). False: the budget is used up. */
  public async takeSlot(name: string, budget: number): Promise<boolean> {
    if (!(budget >= 1)) {
      // The condition admits whenever the holder set is empty (DynamoDB's size() of a missing
      // attribute is false): a budget below 1 admits nobody, without asking.
      return false;
    }
    try {
      await this.caller.retrying(`could not take a storage budget slot for camera ${name}`, () =>
        this.caller.call(this.client, new UpdateItemCommand({
          TableName: this.tableName,
          Key: { name: { S: BUDGET_ITEM } },
          UpdateExpression: 'ADD #holders :camera',
          ConditionExpression: 'attribute_not_exists(#holders) OR contains(#holders, :name) OR size(#holders) < :budget',
          ExpressionAttributeNames: { '#holders': 'holders' },
          ExpressionAttributeValues: { ':camera': { SS: [name] }, ':name': { S: name }, ':budget': { N: String(budget) } },
        })));
      return true;
    } catch (e) {
      if (errorName((e as { cause?: unknown }).cause) === 'ConditionalCheckFailedException') {
        return false;
      }
      throw e;
    }
  }

  public async releaseSlot(name: string): Promise<void> {
    await this.caller.retrying(`could not release the storage budget slot of camera ${name}`, () =>
      this.caller.call(this.client, new UpdateItemCommand({
        TableName: this.tableName,
        Key: { name: { S: BUDGET_ITEM } },
        UpdateExpression: 'DELETE #holders :camera',
        ExpressionAttributeNames: { '#holders': 'holders' },
        ExpressionAttributeValues: { ':camera': { SS: [name] } },
      })));
  }
}

function fromItem(item: Record<string, AttributeValue>): CameraRecord {
  const s = (key: string) => item[key]?.S;
  const n = (key: string) => item[key]?.N === undefined ? undefined : Number(item[key].N);
  return {
    name: s('name')!,
    status: (s('status') ?? 'PENDING') as CameraStatus,
    reason: s('reason'),
    channelArn: s('channelArn'),
    streamArn: s('streamArn'),
    expectThingUntil: n('expectThingUntil'),
    accessGroup: s('accessGroup'),
    updatedAt: n('updatedAt') ?? 0,
  };
}
