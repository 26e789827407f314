/**
 * The media-storage calls shared by the link handler and the onboarding worker
 * (src/handlers/shared/media-storage.ts): one call each with the inputs Kinesis Video expects,
 * updates through the updates caller and reads through the reads caller (their quotas differ).
 */
import {
  DescribeMappedResourceConfigurationCommand,
  DescribeMediaStorageConfigurationCommand,
  KinesisVideoClient,
  UpdateMediaStorageConfigurationCommand,
} from '@aws-sdk/client-kinesis-video';
import { mockClient } from 'aws-sdk-client-mock';
import { isLinkedTo, MediaStorage } from '../../../src/handlers/shared/media-storage';
import { DeadlineBoundCaller } from '../../../src/handlers/shared/retry';

const CHANNEL = 'arn:aws:kinesisvideo:us-east-1:123456789012:channel/front-door/1';
const STREAM = 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/front-door/2';
const kvs = mockClient(KinesisVideoClient);
const caller = () => new DeadlineBoundCaller({ timing: { baseDelayMs: 1, maxDelayMs: 2, requestTimeoutMs: 1_000 }, deadline: Date.now() + 5_000 });
let updates: DeadlineBoundCaller;
let reads: DeadlineBoundCaller;
let storage: MediaStorage;

beforeEach(() => {
  kvs.reset();
  updates = caller();
  reads = caller();
  jest.spyOn(updates, 'call');
  jest.spyOn(reads, 'call');
  storage = new MediaStorage(new KinesisVideoClient({ region: 'us-east-1' }), updates, reads);
});
afterEach(() => jest.restoreAllMocks());

test('describe: the channel\'s configuration, or an empty one when the service returns none; a read', async () => {
  kvs.on(DescribeMediaStorageConfigurationCommand).resolvesOnce({ MediaStorageConfiguration: { Status: 'ENABLED', StreamARN: STREAM } }).resolves({});
  await expect(storage.describe(CHANNEL)).resolves.toEqual({ Status: 'ENABLED', StreamARN: STREAM });
  await expect(storage.describe(CHANNEL)).resolves.toEqual({});
  const inputs = kvs.commandCalls(DescribeMediaStorageConfigurationCommand).map((c) => c.args[0].input);
  expect(inputs).toEqual([{ ChannelARN: CHANNEL }, { ChannelARN: CHANNEL }]);
  expect(reads.call).toHaveBeenCalledTimes(2);
  expect(updates.call).not.toHaveBeenCalled();
});

test('enable and disable: one UpdateMediaStorageConfiguration each, through the updates caller', async () => {
  kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
  await storage.enable(CHANNEL, STREAM);
  await storage.disable(CHANNEL);
  expect(kvs.commandCalls(UpdateMediaStorageConfigurationCommand).map((c) => c.args[0].input)).toEqual([
    { ChannelARN: CHANNEL, MediaStorageConfiguration: { Status: 'ENABLED', StreamARN: STREAM } },
    { ChannelARN: CHANNEL, MediaStorageConfiguration: { Status: 'DISABLED' } },
  ]);
  expect(updates.call).toHaveBeenCalledTimes(2);
  expect(reads.call).not.toHaveBeenCalled();
});

test('a refusal is the caller\'s to handle: one attempt, the service error passed on', async () => {
  kvs.on(UpdateMediaStorageConfigurationCommand).rejects(Object.assign(new Error('in use'), { name: 'ResourceInUseException' }));
  await expect(storage.enable(CHANNEL, STREAM)).rejects.toThrow('in use');
  expect(kvs.commandCalls(UpdateMediaStorageConfigurationCommand)).toHaveLength(1);
});

test('mappedChannel: the channel among the stream\'s mapped resources (known by its ARN), or none', async () => {
  kvs.on(DescribeMappedResourceConfigurationCommand)
    .resolvesOnce({ MappedResourceConfigurationList: [{ Type: 'SOMETHING_ELSE', ARN: 'arn:aws:s3:::bucket' }, { Type: 'X', ARN: CHANNEL }] })
    .resolvesOnce({ MappedResourceConfigurationList: [] })
    .resolves({});
  await expect(storage.mappedChannel(STREAM)).resolves.toBe(CHANNEL);
  await expect(storage.mappedChannel(STREAM)).resolves.toBeUndefined();
  await expect(storage.mappedChannel(STREAM)).resolves.toBeUndefined();
  expect(kvs.commandCalls(DescribeMappedResourceConfigurationCommand)[0].args[0].input).toEqual({ StreamARN: STREAM });
  expect(reads.call).toHaveBeenCalledTimes(3);
});

test('one caller serves both when the reads have no caller of their own', async () => {
  kvs.on(DescribeMediaStorageConfigurationCommand).resolves({});
  await new MediaStorage(new KinesisVideoClient({ region: 'us-east-1' }), updates).describe(CHANNEL);
  expect(updates.call).toHaveBeenCalledTimes(1);
});

test('isLinkedTo: ENABLED to this very stream only', () => {
  expect(isLinkedTo({ Status: 'ENABLED', StreamARN: STREAM }, STREAM)).toBe(true);
  expect(isLinkedTo({ Status: 'ENABLED', StreamARN: `${STREAM}9` }, STREAM)).toBe(false);
  expect(isLinkedTo({ Status: 'DISABLED', StreamARN: STREAM }, STREAM)).toBe(false);
  expect(isLinkedTo({}, STREAM)).toBe(false);
  expect(isLinkedTo(undefined, STREAM)).toBe(false);
});
