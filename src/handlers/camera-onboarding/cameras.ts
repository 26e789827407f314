/**
 * The Kinesis Video side of a run-time camera: make it (channel and stream with the fleet's
 * settings and tags, both ACTIVE, linked) and retire it (unlink, delete the channel, keep or
 * delete the stream). Every step is idempotent: a step finds its work done and goes on.
 *
 * Ownership is read from the tags, never assumed: the worker changes only channels and streams
 * that carry its onboarding tag (its IAM policy allows no other), and a name taken by anything
 * else is refused with the reason.
 */
import {
  CreateSignalingChannelCommand,
  CreateSignalingChannelCommandOutput,
  CreateStreamCommand,
  CreateStreamCommandOutput,
  DeleteSignalingChannelCommand,
  DeleteStreamCommand,
  DescribeSignalingChannelCommand,
  DescribeSignalingChannelCommandOutput,
  DescribeStreamCommand,
  DescribeStreamCommandOutput,
  KinesisVideoClient,
  ListTagsForResourceCommand,
  ListTagsForResourceCommandOutput,
  ListTagsForStreamCommand,
  ListTagsForStreamCommandOutput,
} from '@aws-sdk/client-kinesis-video';
import { CameraOnboardingSettings } from '../../private/camera-onboarding-settings';
import { isLinkedTo, MediaStorage } from '../shared/media-storage';
import { DeadlineBoundCaller, errorName, PermanentError } from '../shared/retry';

/** The settings every run-time camera of the fleet gets (the fleet's defaults). */
export type CameraSettings = Pick<CameraOnboardingSettings, 'fleetTagKey' | 'fleetId' | 'onboardingTagKey' | 'onboardingId'
| 'messageTtlSeconds' | 'retentionHours' | 'mediaType' | 'storageTier' | 'kmsKeyArn' | 'deleteStream'>;

/** A name the onboarding may not use: the reason is for the dead-letter record. */
export class RefusedError extends PermanentError {}

interface Found { readonly arn: string; readonly status?: string; readonly version?: string }

export type Kind = 'channel' | 'stream';

/** A kind of resource, for a person. */
const KIND: Record<Kind, string> = { channel: 'signaling channel', stream: 'video stream' };

/** A resource that is not ACTIVE yet (or DELETING): retried by the retry core, like the service's own ResourceInUseException. */
function notActive(what: string): Error {
  return Object.assign(new Error(what), { name: 'ResourceInUseException' });
}

export class Cameras {
  private readonly storage: MediaStorage;

  constructor(
    private readonly kvs: KinesisVideoClient,
    private readonly caller: DeadlineBoundCaller,
    private readonly settings: CameraSettings,
  ) {
    this.storage = new MediaStorage(kvs, caller);
  }

  /**
   * Channel and stream made (or found, ours), ACTIVE and linked. `accessGroupTags`: the access
   * group's tag, given at creation (a camera found is re-tagged by ./access-group). `created`
   * learns what this call made, for `undo` when the camera cannot be finished.
   */
  public async onboard(
    name: string,
    accessGroupTags: Record<string, string> = {},
    created: Set<Kind> = new Set(),
  ): Promise<{ channelArn: string; streamArn: string }> {
    const channelArn = await this.ensureChannel(name, accessGroupTags, created);
    const streamArn = await this.ensureStream(name, accessGroupTags, created);
    await this.waitActive(name, 'channel');
    await this.waitActive(name, 'stream');
    await this.link(channelArn, streamArn);
    return { channelArn, streamArn };
  }

  /**
   * Unlinks and deletes the channel, and deletes the stream if the removal policy says so; leaves
   * alone what is not ours. Returns whether there was anything of ours.
   */
  public async retire(name: string): Promise<{ found: boolean; streamKept: boolean }> {
    let found = false;
    const channel = await this.owned(name, 'channel');
    if (channel && channel.status !== 'DELETING') {
      found = true;
      await this.deleteChannel(name, channel.arn);
    } else if (channel) {
      found = true;
    }
    let streamKept = false;
    const stream = await this.owned(name, 'stream');
    if (stream) {
      found = true;
      if (this.settings.deleteStream && stream.status !== 'DELETING') {
        await this.deleteStream(name);
      } else {
        streamKept = stream.status !== 'DELETING';
      }
    }
    return { found, streamKept };
  }

  /**
   * Undoes a camera that cannot be finished: deletes its channel (ours; a device could otherwise
   * use it as master with no slot held), and its stream if this attempt made it or the removal
   * policy deletes streams. A stream found from before (kept by a retirement) keeps its recordings.
   */
  public async undo(name: string, created: ReadonlySet<Kind>): Promise<void> {
    const channel = await this.owned(name, 'channel');
    if (channel && channel.status !== 'DELETING') {
      await this.deleteChannel(name, channel.arn);
    }
    if (created.has('stream') || this.settings.deleteStream) {
      const stream = await this.owned(name, 'stream');
      if (stream && stream.status !== 'DELETING') {
        await this.deleteStream(name);
      }
    }
  }

  private async deleteChannel(name: string, arn: string): Promise<void> {
    await this.unlink(arn);
    await this.delete(name, 'channel');
  }

  private async deleteStream(name: string): Promise<void> {
    await this.delete(name, 'stream');
  }

  /** Deletes the resource at its current version; done when it is gone or DELETING. */
  private async delete(name: string, kind: Kind): Promise<void> {
    await this.caller.retrying(`could not delete ${KIND[kind]} ${name}`, async () => {
      const current = await this.describe(name, kind);
      if (!current || current.status === 'DELETING') {
        return;
      }
      const command = kind === 'channel'
        ? new DeleteSignalingChannelCommand({ ChannelARN: current.arn, CurrentVersion: current.version })
        : new DeleteStreamCommand({ StreamARN: current.arn, CurrentVersion: current.version });
      await this.ignoreGone(() => this.caller.call(this.kvs, command));
    });
  }

  private get tags(): Record<string, string> {
    return { [this.settings.fleetTagKey]: this.settings.fleetId, [this.settings.onboardingTagKey]: this.settings.onboardingId };
  }

  private async ensureChannel(name: string, extraTags: Record<string, string>, created: Set<Kind>): Promise<string> {
    return this.ensure(name, 'channel', created, async () => {
      const out = await this.caller.call<CreateSignalingChannelCommandOutput>(this.kvs, new CreateSignalingChannelCommand({
        ChannelName: name,
        ChannelType: 'SINGLE_MASTER',
        SingleMasterConfiguration: { MessageTtlSeconds: this.settings.messageTtlSeconds },
        Tags: Object.entries({ ...extraTags, ...this.tags }).map(([Key, Value]) => ({ Key, Value })),
      }));
      return out.ChannelARN!;
    });
  }

  private async ensureStream(name: string, extraTags: Record<string, string>, created: Set<Kind>): Promise<string> {
    return this.ensure(name, 'stream', created, async () => {
      const out = await this.caller.call<CreateStreamCommandOutput>(this.kvs, new CreateStreamCommand({
        StreamName: name,
        DataRetentionInHours: this.settings.retentionHours,
        MediaType: this.settings.mediaType,
        KmsKeyId: this.settings.kmsKeyArn,
        ...(this.settings.storageTier ? { StreamStorageConfiguration: { DefaultStorageTier: this.settings.storageTier as any } } : {}),
        Tags: { ...extraTags, ...this.tags },
      }));
      return out.StreamARN!;
    });
  }

  /**
   * Creates the resource, or adopts the one of that name: ours from an earlier delivery (a stream
   * kept by an earlier retirement: the camera records into it again), one being deleted, or someone else's.
   */
  private async ensure(name: string, kind: Kind, created: Set<Kind>, create: () => Promise<string>): Promise<string> {
    return this.caller.retrying(`could not create ${KIND[kind]} ${name}`, async () => {
      try {
        const arn = await create();
        created.add(kind);
        return arn;
      } catch (e) {
        if (errorName(e) !== 'ResourceInUseException') {
          throw this.serviceRefusal(e, `${KIND[kind]} ${name}`);
        }
        return this.adopt(name, kind);
      }
    });
  }

  /** The existing resource named `name` if it is ours and usable; DELETING: retried; someone else's: refused. */
  private async adopt(name: string, kind: Kind): Promise<string> {
    const found = await this.describe(name, kind);
    if (!found) {
      // Gone since the create, or not readable: the read is allowed on the fleet's own resources only.
      const readable = await this.exists(name, kind);
      if (readable === 'denied') {
        throw new RefusedError(`the name ${name} is taken by a ${KIND[kind]} outside this fleet`);
      }
      throw notActive(`${kind} ${name} is gone since it was created; creating it again`);
    }
    if (found.status === 'DELETING') {
      throw notActive(`${kind} ${name} is DELETING; its name can be used again once it is gone`);
    }
    const tags = await this.tagsOf(found.arn, kind);
    if (tags[this.settings.onboardingTagKey] === this.settings.onboardingId) {
      return found.arn;
    }
    throw new RefusedError(this.takenBecause(name, kind, tags));
  }

  /**
   * Why `name` is still not ours to use (a channel or stream of the fleet, not ours, has it), or
   * undefined: read before a REFUSED camera is tried again, so that it takes no slot. A name
   * taken outside the fleet cannot be read; the create finds it (ResourceInUseException).
   */
  public async clash(name: string): Promise<string | undefined> {
    for (const kind of ['channel', 'stream'] as const) {
      const found = await this.describe(name, kind);
      if (!found) {
        // Absent, or outside the fleet (the read is denied either way): the create will tell.
        continue;
      }
      const tags = await this.tagsOf(found.arn, kind);
      if (tags[this.settings.onboardingTagKey] !== this.settings.onboardingId) {
        return this.takenBecause(name, kind, tags);
      }
    }
    return undefined;
  }

  private takenBecause(name: string, kind: Kind, tags: Record<string, string>): string {
    return tags[this.settings.fleetTagKey] === this.settings.fleetId
      ? `the name ${name} is a camera of the fleet's stack (or of another onboarding of the fleet); run-time onboarding leaves it alone`
      : `the name ${name} is taken by a ${KIND[kind]} of another fleet`;
  }

  /** The resource named `name` if it carries our onboarding tag; undefined when absent or not ours. */
  private async owned(name: string, kind: Kind): Promise<Found | undefined> {
    const found = await this.describe(name, kind);
    if (!found) {
      return undefined;
    }
    const tags = await this.tagsOf(found.arn, kind);
    return tags[this.settings.onboardingTagKey] === this.settings.onboardingId ? found : undefined;
  }

  private async waitActive(name: string, kind: Kind): Promise<void> {
    const what = `${KIND[kind]} ${name}`;
    await this.caller.retrying(`${what} did not become ACTIVE`, async () => {
      const found = await this.describe(name, kind);
      if (found?.status !== 'ACTIVE') {
        throw notActive(`${what} is ${found?.status ?? 'not found'}`);
      }
    });
  }

  private async link(channelArn: string, streamArn: string): Promise<void> {
    await this.caller.retrying(`could not link signaling channel ${channelArn} to video stream ${streamArn}`, async () => {
      const current = await this.storage.describe(channelArn);
      if (isLinkedTo(current, streamArn)) {
        return;
      }
      if (current.Status === 'ENABLED') {
        throw new PermanentError(`signaling channel ${channelArn} is linked to another video stream (${current.StreamARN})`);
      }
      try {
        await this.storage.enable(channelArn, streamArn);
      } catch (e) {
        throw this.serviceRefusal(e, `the link of ${channelArn}`);
      }
    });
  }

  private async unlink(channelArn: string): Promise<void> {
    await this.caller.retrying(`could not unlink signaling channel ${channelArn}`, async () => {
      const current = await this.storage.describe(channelArn);
      if (current.Status !== 'ENABLED') {
        return;
      }
      await this.storage.disable(channelArn);
    });
  }

  /**
   * The resource named `name`; undefined when there is none, or when it is not the fleet's (the
   * role may read only the fleet's channels and streams: IAM denies before the service looks).
   */
  private async describe(name: string, kind: Kind): Promise<Found | undefined> {
    return this.caller.retrying(`could not read ${KIND[kind]} ${name}`, async () => {
      try {
        return await this.describeOnce(name, kind);
      } catch (e) {
        if (errorName(e) === 'ResourceNotFoundException' || errorName(e) === 'AccessDeniedException') {
          return undefined;
        }
        throw e;
      }
    });
  }

  private async describeOnce(name: string, kind: Kind): Promise<Found> {
    if (kind === 'channel') {
      const out = await this.caller.call<DescribeSignalingChannelCommandOutput>(this.kvs,
        new DescribeSignalingChannelCommand({ ChannelName: name }));
      const info = out.ChannelInfo!;
      return { arn: info.ChannelARN!, status: info.ChannelStatus, version: info.Version };
    }
    const out = await this.caller.call<DescribeStreamCommandOutput>(this.kvs, new DescribeStreamCommand({ StreamName: name }));
    const info = out.StreamInfo!;
    return { arn: info.StreamARN!, status: info.Status, version: info.Version };
  }

  /** Whether a name the role cannot describe exists at all: 'denied' means it does, outside the fleet. */
  private async exists(name: string, kind: Kind): Promise<'denied' | 'absent'> {
    try {
      await this.describeOnce(name, kind);
      return 'absent';
    } catch (e) {
      return errorName(e) === 'AccessDeniedException' ? 'denied' : 'absent';
    }
  }

  private async tagsOf(arn: string, kind: Kind): Promise<Record<string, string>> {
    return this.caller.retrying(`could not read the tags of ${arn}`, async () => {
      try {
        if (kind === 'channel') {
          const out = await this.caller.call<ListTagsForResourceCommandOutput>(this.kvs, new ListTagsForResourceCommand({ ResourceARN: arn }));
          return out.Tags ?? {};
        }
        const out = await this.caller.call<ListTagsForStreamCommandOutput>(this.kvs, new ListTagsForStreamCommand({ StreamARN: arn }));
        return out.Tags ?? {};
      } catch (e) {
        if (errorName(e) === 'AccessDeniedException') {
          return {}; // not the fleet's: the read is allowed on the fleet's resources only
        }
        throw e;
      }
    });
  }

  private async ignoreGone(call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (e) {
      if (errorName(e) !== 'ResourceNotFoundException') {
        throw e;
      }
    }
  }

  /** A refusal by the service that waiting will not cure (a quota of channels or streams, a bad setting). */
  private serviceRefusal(e: unknown, what: string): unknown {
    const name = errorName(e);
    if (/LimitExceeded/.test(name) && name !== 'ClientLimitExceededException') {
      return new PermanentError(`Kinesis Video refused ${what}: ${name}: ${(e as Error).message}`);
    }
    return e;
  }
}
