/**
 * A run-time camera's access group: read from an attribute of its AWS IoT thing (set by the
 * backend that registers devices; a device with `DeviceIdentity` cannot change it), else the
 * fleet's `accessGroup`, else none. Written as one tag on the camera's channel and stream: at
 * creation, and again (tag or untag) whenever the thing's attribute changes, so that a household
 * moving a doorbell takes one registry update.
 *
 * The worker's role may tag and untag that key only, and only on the cameras this onboarding made
 * (its onboarding tag): the calls here never touch a stack camera or another fleet's.
 */
import {
  KinesisVideoClient,
  ListTagsForResourceCommand,
  ListTagsForResourceCommandOutput,
  ListTagsForStreamCommand,
  ListTagsForStreamCommandOutput,
  TagResourceCommand,
  TagStreamCommand,
  UntagResourceCommand,
  UntagStreamCommand,
} from '@aws-sdk/client-kinesis-video';
import { DeadlineBoundCaller } from '../shared/retry';

/** What the worker knows of access groups (its environment). */
export interface AccessGroupSettings {
  /** The tag key of the access group on channels and streams. */
  readonly accessGroupTagKey: string;
  /** The thing attribute whose value is the camera's access group. */
  readonly accessGroupAttribute: string;
  /** The fleet's `accessGroup`, for things without the attribute. */
  readonly defaultAccessGroup?: string;
}

/** The record's value for "no access group": DynamoDB keeps empty strings, so no group differs from "never recorded". */
export const NO_ACCESS_GROUP = '';

/** Tag values: 0 to 256 characters from letters, digits, spaces and `_ . : / = + - @` (KVS TagResource). */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

/**
 * The access group a thing's attributes give its camera: the attribute's value; the fleet's default
 * when the thing has no such attribute (or an empty one); none (`NO_ACCESS_GROUP`) when neither.
 * A value that cannot be a tag value gives no group (nobody sees the camera), with the reason,
 * rather than the fleet's default, which could be another household's.
 */
export function accessGroupOf(attributes: Record<string, string> | undefined, settings: AccessGroupSettings): { group: string; problem?: string } {
  const value = attributes?.[settings.accessGroupAttribute];
  if (value === undefined || value === '') {
    return { group: settings.defaultAccessGroup ?? NO_ACCESS_GROUP };
  }
  if (!TAG_VALUE.test(value)) {
    return {
      group: NO_ACCESS_GROUP,
      problem: `the thing attribute ${settings.accessGroupAttribute} is '${value}', which is not a tag value ` +
        "(1 to 256 of letters, digits, spaces and '_ . : / = + - @'): the camera is in no access group",
    };
  }
  return { group: value };
}

/** The tags a new channel and stream get for the group (none for `NO_ACCESS_GROUP`). */
export function accessGroupTags(group: string, settings: AccessGroupSettings): Record<string, string> {
  return group === NO_ACCESS_GROUP ? {} : { [settings.accessGroupTagKey]: group };
}

export class AccessGroups {
  constructor(
    private readonly kvs: KinesisVideoClient,
    private readonly caller: DeadlineBoundCaller,
    private readonly settings: AccessGroupSettings,
  ) {}

  /**
   * Tags (or untags) the channel and the stream so that their access group is `group`; a resource
   * already right is left alone. Returns how many resources changed.
   */
  public async apply(camera: { channelArn: string; streamArn: string }, group: string): Promise<number> {
    let changed = 0;
    for (const kind of ['channel', 'stream'] as const) {
      const arn = kind === 'channel' ? camera.channelArn : camera.streamArn;
      const current = (await this.tagsOf(arn, kind))[this.settings.accessGroupTagKey] ?? NO_ACCESS_GROUP;
      if (current === group) {
        continue;
      }
      await this.caller.retrying(`could not set the access group of ${arn}`, () => this.caller.call(this.kvs, this.change(arn, kind, group)));
      changed++;
    }
    return changed;
  }

  private change(arn: string, kind: 'channel' | 'stream', group: string) {
    const key = this.settings.accessGroupTagKey;
    if (group === NO_ACCESS_GROUP) {
      return kind === 'channel'
        ? new UntagResourceCommand({ ResourceARN: arn, TagKeyList: [key] })
        : new UntagStreamCommand({ StreamARN: arn, TagKeyList: [key] });
    }
    return kind === 'channel'
      ? new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: key, Value: group }] })
      : new TagStreamCommand({ StreamARN: arn, Tags: { [key]: group } });
  }

  private async tagsOf(arn: string, kind: 'channel' | 'stream'): Promise<Record<string, string>> {
    return this.caller.retrying(`could not read the tags of ${arn}`, async () => {
      if (kind === 'channel') {
        const out = await this.caller.call<ListTagsForResourceCommandOutput>(this.kvs, new ListTagsForResourceCommand({ ResourceARN: arn }));
        return out.Tags ?? {};
      }
      const out = await this.caller.call<ListTagsForStreamCommandOutput>(this.kvs, new ListTagsForStreamCommand({ StreamARN: arn }));
      return out.Tags ?? {};
    });
  }
}
