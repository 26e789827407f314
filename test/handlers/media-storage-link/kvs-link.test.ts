/**
 * The link's Kinesis Video side (src/handlers/media-storage-link/kvs-link.ts), called directly:
 * the owner record, and the ownership rules of link, unlink and restore. The CloudFormation side
 * and the retry schedule are index.lambda.test.ts's (through `onEvent`).
 */
import {
  DescribeMediaStorageConfigurationCommand,
  KinesisVideoClient,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateMediaStorageConfigurationCommand,
} from '@aws-sdk/client-kinesis-video';
import { mockClient } from 'aws-sdk-client-mock';
import { KvsLink, ownerRecord } from '../../../src/handlers/media-storage-link/kvs-link';
import { DeadlineBoundCaller } from '../../../src/handlers/shared/retry';
import { LINK_OWNER_TAG_KEY } from '../../../src/private/tags-and-quotas';

const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Cam/11111111-2222-3333-4444-555555555555';
const CHANNEL = 'arn:aws:kinesisvideo:us-east-1:123456789012:channel/front-door/1';
const STREAM = 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/front-door/2';
const PAIR = { ChannelArn: CHANNEL, StreamArn: STREAM };
const ME = ownerRecord(STACK, 'DoorLink');
const SAME_STACK = ownerRecord(STACK, 'MovedLink');
const OTHER_STACK = ownerRecord('arn:aws:cloudformation:us-east-1:123456789012:stack/Lobby/99999999-8888-7777-6666-555555555555', 'DoorLink');

const kvs = mockClient(KinesisVideoClient);
const inUse = () => Object.assign(new Error('in use'), { name: 'ResourceInUseException', $metadata: { httpStatusCode: 400 } });
const denied = () => Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 401 } });

/** A link whose waits take no time (a fake clock), 60 s of deadline. */
function link(): KvsLink {
  let now = 0;
  const caller = () => new DeadlineBoundCaller({
    timing: { baseDelayMs: 1, maxDelayMs: 2, requestTimeoutMs: 1_000 },
    deadline: 60_000,
    clock: { now: () => now, sleep: async (ms: number) => void (now += ms), random: () => 1 },
  });
  return new KvsLink(new KinesisVideoClient({ region: 'us-east-1' }), caller(), caller(), ME);
}
const updates = () => kvs.commandCalls(UpdateMediaStorageConfigurationCommand).map((c) => c.args[0].input.MediaStorageConfiguration?.Status);
const records = () => kvs.commandCalls(TagResourceCommand).map((c) => c.args[0].input.Tags);
const ownedBy = (record?: string) => kvs.on(ListTagsForResourceCommand).resolves({ Tags: record ? { [LINK_OWNER_TAG_KEY]: record } : {} });

beforeEach(() => {
  kvs.reset();
  kvs.on(TagResourceCommand).resolves({});
  kvs.on(UntagResourceCommand).resolves({});
  ownedBy(undefined);
  jest.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => jest.restoreAllMocks());

describe('ownerRecord', () => {
  test('the stack name and uuid and the logical id', () => {
    expect(ME).toBe('Cam/11111111-2222-3333-4444-555555555555/DoorLink');
  });

  test('a logical id too long for a tag value (256) is replaced by its digest', () => {
    const long = ownerRecord(STACK, 'L'.repeat(255));
    expect(long.length).toBeLessThanOrEqual(256);
    expect(long).toMatch(/^Cam\/11111111-2222-3333-4444-555555555555\/sha256=[0-9a-f]{64}$/);
    expect(ownerRecord(STACK, 'M'.repeat(255))).not.toBe(long);
  });
});

describe('link', () => {
  test('a free pair: linked, then recorded as this link\'s', async () => {
    kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
    await link().link(PAIR);
    expect(updates()).toEqual(['ENABLED']);
    expect(records()).toEqual([[{ Key: LINK_OWNER_TAG_KEY, Value: ME }]]);
  });

  test.each([
    ['this link (a repeated event)', ME, []],
    ['no record (an older release)', undefined, [[{ Key: LINK_OWNER_TAG_KEY, Value: ME }]]],
    ['another link of this stack (a moved camera)', SAME_STACK, [[{ Key: LINK_OWNER_TAG_KEY, Value: ME }]]],
  ])('the pair already linked, owned by %s: kept, recorded as this link\'s', async (_, owner, recorded) => {
    kvs.on(UpdateMediaStorageConfigurationCommand).rejects(inUse());
    kvs.on(DescribeMediaStorageConfigurationCommand).resolves({ MediaStorageConfiguration: { Status: 'ENABLED', StreamARN: STREAM } });
    ownedBy(owner);
    await link().link(PAIR);
    expect(updates()).toEqual(['ENABLED']);
    expect(records()).toEqual(recorded);
  });

  test('the pair owned by another stack: a conflict naming it, nothing recorded', async () => {
    kvs.on(UpdateMediaStorageConfigurationCommand).rejects(inUse());
    kvs.on(DescribeMediaStorageConfigurationCommand).resolves({ MediaStorageConfiguration: { Status: 'ENABLED', StreamARN: STREAM } });
    ownedBy(OTHER_STACK);
    await expect(link().link(PAIR)).rejects.toThrow('already linked by link DoorLink of stack Lobby');
    expect(records()).toEqual([]);
  });

  test('a record that cannot be written: the link is undone', async () => {
    kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
    kvs.on(TagResourceCommand).rejects(denied());
    await expect(link().link(PAIR)).rejects.toThrow('could not record the link\'s owner');
    expect(updates()).toEqual(['ENABLED', 'DISABLED']);
  });
});

describe('unlinkOwned', () => {
  const linked = () => kvs.on(DescribeMediaStorageConfigurationCommand).resolves({ MediaStorageConfiguration: { Status: 'ENABLED', StreamARN: STREAM } });

  test.each([
    ['this link', ME, true],
    ['no record (an older release)', undefined, true],
    ['another link of this stack', SAME_STACK, false],
    ['another stack', OTHER_STACK, false],
  ])('the pair owned by %s: unlinked = %s, and the record removed with it', async (_, owner, unlinks) => {
    linked();
    ownedBy(owner);
    kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
    await expect(link().unlinkOwned(PAIR, { deleting: true })).resolves.toBe(unlinks);
    expect(updates()).toEqual(unlinks ? ['DISABLED'] : []);
    const untagged = kvs.commandCalls(UntagResourceCommand).map((c) => c.args[0].input);
    expect(untagged).toEqual(unlinks && owner ? [{ ResourceARN: CHANNEL, TagKeyList: [LINK_OWNER_TAG_KEY] }] : []);
  });

  test('the channel linked to another stream: left alone', async () => {
    kvs.on(DescribeMediaStorageConfigurationCommand).resolves({ MediaStorageConfiguration: { Status: 'ENABLED', StreamARN: `${STREAM}9` } });
    await expect(link().unlinkOwned(PAIR, { deleting: false })).resolves.toBe(false);
    expect(updates()).toEqual([]);
  });

  test('access denied: nothing to unlink on a Delete (the stack tag went with the channel), an error on an Update', async () => {
    kvs.on(DescribeMediaStorageConfigurationCommand).rejects(denied());
    await expect(link().unlinkOwned(PAIR, { deleting: true })).resolves.toBe(false);
    await expect(link().unlinkOwned(PAIR, { deleting: false })).rejects.toThrow();
    expect(updates()).toEqual([]);
  });
});

test('restore: re-links the old pair and says so; says why when it cannot', async () => {
  kvs.on(UpdateMediaStorageConfigurationCommand).resolvesOnce({}).rejects(Object.assign(new Error('bad'), { name: 'InvalidArgumentException' }));
  await expect(link().restore(PAIR)).resolves.toBe(`. The previous link (${CHANNEL} to ${STREAM}) was restored.`);
  await expect(link().restore(PAIR)).resolves.toMatch(/^\. The previous link could not be restored either \(the rollback will retry\): .*bad/);
});
