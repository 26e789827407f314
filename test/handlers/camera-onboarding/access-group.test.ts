/**
 * A run-time camera's access group (src/handlers/camera-onboarding/access-group.ts): where it comes
 * from (the thing attribute, the fleet's default, none), and the tag changes that follow a change,
 * on the channel (TagResource/UntagResource) and the stream (TagStream/UntagStream), the
 * access-group key only.
 */
import {
  KinesisVideoClient,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  TagResourceCommand,
  TagStreamCommand,
  UntagResourceCommand,
  UntagStreamCommand,
} from '@aws-sdk/client-kinesis-video';
import { mockClient } from 'aws-sdk-client-mock';
import { accessGroupOf, AccessGroups, AccessGroupSettings, accessGroupTags, NO_ACCESS_GROUP } from '../../../src/handlers/camera-onboarding/access-group';
import { DeadlineBoundCaller } from '../../../src/handlers/shared/retry';
import { ACCESS_GROUP_TAG_KEY as KEY } from '../../../src/private/tags-and-quotas';

const SETTINGS: AccessGroupSettings = { accessGroupTagKey: KEY, accessGroupAttribute: 'accessGroup' };
const CAMERA = { channelArn: 'arn:aws:kinesisvideo:us-east-1:123456789012:channel/shop-1/1', streamArn: 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/shop-1/2' };

describe('accessGroupOf', () => {
  test('the thing attribute; the fleet default without it (or when empty); none without either', () => {
    expect(accessGroupOf({ accessGroup: 'smith', other: 'x' }, SETTINGS)).toEqual({ group: 'smith' });
    expect(accessGroupOf({ accessGroup: 'smith' }, { ...SETTINGS, defaultAccessGroup: 'lobby' })).toEqual({ group: 'smith' });
    expect(accessGroupOf({}, { ...SETTINGS, defaultAccessGroup: 'lobby' })).toEqual({ group: 'lobby' });
    expect(accessGroupOf({ accessGroup: '' }, { ...SETTINGS, defaultAccessGroup: 'lobby' })).toEqual({ group: 'lobby' });
    expect(accessGroupOf(undefined, SETTINGS)).toEqual({ group: NO_ACCESS_GROUP });
    expect(accessGroupOf({ household: 'smith' }, SETTINGS)).toEqual({ group: NO_ACCESS_GROUP });
    expect(accessGroupOf({ household: 'smith' }, { ...SETTINGS, accessGroupAttribute: 'household' })).toEqual({ group: 'smith' });
  });

  test('a value that cannot be a tag value gives no group (not the default, which may be another household\'s), with the reason', () => {
    const found = accessGroupOf({ accessGroup: 'smith,jones' }, { ...SETTINGS, defaultAccessGroup: 'lobby' });
    expect(found.group).toBe(NO_ACCESS_GROUP);
    expect(found.problem).toContain("the thing attribute accessGroup is 'smith,jones', which is not a tag value");
  });

  test('the tags at creation: the key and the group, or nothing', () => {
    expect(accessGroupTags('smith', SETTINGS)).toEqual({ [KEY]: 'smith' });
    expect(accessGroupTags(NO_ACCESS_GROUP, SETTINGS)).toEqual({});
  });
});

describe('AccessGroups.apply', () => {
  const kvs = mockClient(KinesisVideoClient);
  const groups = () => new AccessGroups(new KinesisVideoClient({}), new DeadlineBoundCaller({
    timing: { baseDelayMs: 1, maxDelayMs: 2, requestTimeoutMs: 1_000 }, deadline: Date.now() + 5_000,
  }), SETTINGS);
  const tagsNow = (channel: Record<string, string>, stream: Record<string, string>) => {
    kvs.on(ListTagsForResourceCommand).resolves({ Tags: channel });
    kvs.on(ListTagsForStreamCommand).resolves({ Tags: stream });
  };
  beforeEach(() => kvs.reset());

  test('already right: reads, changes nothing', async () => {
    tagsNow({ [KEY]: 'smith', other: 'x' }, { [KEY]: 'smith' });
    expect(await groups().apply(CAMERA, 'smith')).toBe(0);
    expect(kvs.commandCalls(TagResourceCommand)).toHaveLength(0);
    expect(kvs.commandCalls(TagStreamCommand)).toHaveLength(0);
  });

  test('moved to another household: the access-group key on the channel and the stream, nothing else', async () => {
    tagsNow({ [KEY]: 'smith' }, { [KEY]: 'smith' });
    expect(await groups().apply(CAMERA, 'jones')).toBe(2);
    expect(kvs.commandCalls(TagResourceCommand).map((c) => c.args[0].input)).toEqual([{ ResourceARN: CAMERA.channelArn, Tags: [{ Key: KEY, Value: 'jones' }] }]);
    expect(kvs.commandCalls(TagStreamCommand).map((c) => c.args[0].input)).toEqual([{ StreamARN: CAMERA.streamArn, Tags: { [KEY]: 'jones' } }]);
  });

  test('the attribute removed: the key removed from both', async () => {
    tagsNow({ [KEY]: 'smith' }, { [KEY]: 'smith' });
    expect(await groups().apply(CAMERA, NO_ACCESS_GROUP)).toBe(2);
    expect(kvs.commandCalls(UntagResourceCommand).map((c) => c.args[0].input)).toEqual([{ ResourceARN: CAMERA.channelArn, TagKeyList: [KEY] }]);
    expect(kvs.commandCalls(UntagStreamCommand).map((c) => c.args[0].input)).toEqual([{ StreamARN: CAMERA.streamArn, TagKeyList: [KEY] }]);
  });

  test('a half-applied change (stream only) is completed', async () => {
    tagsNow({}, { [KEY]: 'jones' });
    expect(await groups().apply(CAMERA, 'jones')).toBe(1);
    expect(kvs.commandCalls(TagResourceCommand)).toHaveLength(1);
    expect(kvs.commandCalls(TagStreamCommand)).toHaveLength(0);
  });

  test('throttling is retried', async () => {
    tagsNow({}, {});
    kvs.on(TagResourceCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ClientLimitExceededException' })).resolves({});
    kvs.on(TagStreamCommand).resolves({});
    expect(await groups().apply(CAMERA, 'garcia')).toBe(2);
    expect(kvs.commandCalls(TagResourceCommand)).toHaveLength(2);
  });
});
