/**
 * What a media storage link does to Kinesis Video: link, unlink, and the record of which link
 * owns a mapping (a tag on the channel). The CloudFormation protocol is in ./index.lambda and
 * ../shared/cfn-response; the design (ownership, quotas, retries) in docs/design/link-handler.md.
 */
import { createHash } from 'crypto';
import {
  KinesisVideoClient,
  ListTagsForResourceCommand,
  ListTagsForResourceCommandOutput,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-kinesis-video';
import { LINK_OWNER_TAG_KEY } from '../../private/tags-and-quotas';
import { isLinkedTo, MediaStorage, StorageConfiguration } from '../shared/media-storage';
import { causeName, DeadlineBoundCaller, errorName, PermanentError } from '../shared/retry';

/** The properties the construct passes to the custom resource. */
export interface LinkProperties {
  readonly ChannelArn: string;
  readonly StreamArn: string;
}

export { LINK_OWNER_TAG_KEY };

/** Kinesis Video tag values: at most 256 characters. */
const MAX_TAG_VALUE = 256;

/**
 * The value of LINK_OWNER_TAG_KEY, `<stack name>/<stack uuid>/<logical id>`: one link's stack (name and uuid: unique in the account and region, where the
 * channel is) and its logical id. A logical id too long to fit is replaced by a digest of it.
 */
export function ownerRecord(stackId: string, logicalId: string): string {
  const stack = stackId.replace(/^arn:[^:]*:cloudformation:[^:]*:[^:]*:stack\//, '');
  const record = `${stack}/${logicalId}`;
  if (record.length <= MAX_TAG_VALUE) {
    return record;
  }
  const digest = createHash('sha256').update(logicalId).digest('hex');
  return `${stack}/sha256=${digest}`;
}

/** The stack part of a record (`<stack name>/<stack uuid>`). */
function stackOf(record: string): string {
  return record.split('/').slice(0, 2).join('/');
}

/** A record for a person: "link Door1234 of stack Cameras (Cameras/1111...)". */
function describeRecord(record: string): string {
  const [name, uuid, ...logical] = record.split('/');
  return `link ${logical.join('/')} of stack ${name} (${name}/${uuid})`;
}

/** One deadline-bounded conversation with the KVS control plane on behalf of one link. */
export class KvsLink {
  private readonly storage: MediaStorage;

  constructor(
    private readonly client: KinesisVideoClient,
    /** For UpdateMediaStorageConfiguration (10 TPS per account). */
    private readonly updates: DeadlineBoundCaller,
    /** For the reads and the tags (50 TPS per account each). */
    private readonly reads: DeadlineBoundCaller,
    /** This link's record (`ownerRecord`). */
    private readonly me: string,
  ) {
    this.storage = new MediaStorage(client, updates, reads);
  }

  /**
   * Links the pair and records this link as its owner. A pair already linked by another link of
   * this stack (a camera moved in the construct tree), or by a link without a record (made by an
   * older release), is taken over; one owned by another stack is a permanent conflict.
   * @param justReleased a channel this invocation has just unlinked from the stream: a mapping to it
   * that the stream still reports is on its way out, not a conflict
   */
  public async link(props: LinkProperties, justReleased?: string): Promise<void> {
    const what = `could not link signaling channel ${props.ChannelArn} to video stream ${props.StreamArn}`;
    let lastLook = -Infinity;
    let streamReadable = true;
    const linkedNow = await this.updates.retrying(what, async () => {
      try {
        await this.storage.enable(props.ChannelArn, props.StreamArn);
        return true;
      } catch (e) {
        // In use: a resource not ACTIVE yet (retry), or a mapping. Look at the mapping at most once a
        // second (the per-channel read quota is 5 TPS): a redelivered event, a moved camera, or an
        // earlier call that timed out but went through makes the pair linked already.
        if (errorName(e) !== 'ResourceInUseException' || this.updates.now() - lastLook < 1_000) {
          throw e;
        }
        lastLook = this.updates.now();
        const current = await this.describeOnce(props.ChannelArn);
        if (isLinkedTo(current, props.StreamArn)) {
          return false;
        }
        if (current?.Status === 'ENABLED') {
          throw new PermanentError(`${what}: the channel is already linked to video stream ${current.StreamARN} ` +
            '(the link is one-to-one); unlink it first');
        }
        // The channel is free (or its read failed): the stream is not ACTIVE yet, or mapped to another
        // channel. Its mapping tells which (denied on a stream without this stack's tag: then retried).
        if (!streamReadable) {
          throw e;
        }
        const mapped = await this.mappedChannelOnce(props.StreamArn);
        if (mapped === 'denied') {
          streamReadable = false;
          throw e;
        }
        if (mapped === props.ChannelArn) {
          return false;
        }
        if (mapped !== undefined && mapped !== justReleased) {
          throw new PermanentError(`${what}: the video stream is already linked to signaling channel ${mapped} ` +
            '(a stream records one channel: the link is one-to-one). Unlink that channel first (remove its ' +
            'MediaStorageLink, or disable its media storage configuration), or choose another stream.');
        }
        throw e;
      }
    }, (name, error, attempts, waitedMs) => explainLinkFailure(what, name, error, attempts, waitedMs));

    if (linkedNow) {
      try {
        await this.record(props.ChannelArn);
      } catch (e) {
        // A mapping nobody owns would outlive this failed request: take it back.
        await this.disable(props.ChannelArn).catch((undo) => console.log(`could not undo the link: ${(undo as Error).message}`));
        throw e;
      }
      return;
    }
    const owner = await this.ownerOf(props.ChannelArn);
    if (owner === this.me) {
      console.log('already linked by this link (a repeated event, or an earlier call that timed out but went through)');
      return;
    }
    if (owner !== undefined && stackOf(owner) !== stackOf(this.me)) {
      throw new PermanentError(`${what}: the pair is already linked by ${describeRecord(owner)}. ` +
        'A mapping has one owner: remove that link (or its camera) first, then deploy this one again.');
    }
    console.log(owner === undefined
      ? 'already linked, without an owner record (an older release of the library made it): taken over'
      : `already linked by ${describeRecord(owner)}, of this stack (a camera moved in the construct tree): taken over`);
    await this.record(props.ChannelArn);
  }

  /**
   * Unlinks the channel if it is linked to this stream by this link, or by a link without a record
   * (an older release). A channel linked to another stream, or owned by another link, is left alone.
   * @param deleting a Delete: a channel that is gone, or no longer this stack's (access denied: its
   * stack tag went with it), has nothing to unlink. An Update must be able to read the channel.
   * @returns whether a link was released
   */
  public async unlinkOwned(props: LinkProperties, options: { deleting: boolean }): Promise<boolean> {
    const what = `could not unlink signaling channel ${props.ChannelArn} from video stream ${props.StreamArn}`;
    const gone = (e: unknown) => {
      const name = causeName(e);
      return name === 'ResourceNotFoundException' || (options.deleting && name === 'AccessDeniedException');
    };
    let current: StorageConfiguration;
    let owner: string | undefined;
    try {
      current = await this.reads.retrying(what, () => this.storage.describe(props.ChannelArn));
      if (current.Status !== 'ENABLED') {
        console.log(`channel ${props.ChannelArn} is not linked; nothing to unlink`);
        return false;
      }
      if (current.StreamARN !== props.StreamArn) {
        console.log(`channel ${props.ChannelArn} is linked to ${current.StreamARN}, not ${props.StreamArn}; left alone`);
        return false;
      }
      owner = await this.ownerOf(props.ChannelArn);
    } catch (e) {
      if (gone(e)) {
        console.log(`channel ${props.ChannelArn} is gone or no longer this stack's (${causeName(e)}); nothing to unlink`);
        return false;
      }
      throw e;
    }
    if (owner !== undefined && owner !== this.me) {
      console.log(`the mapping belongs to ${describeRecord(owner)}; left alone`);
      return false;
    }
    try {
      await this.disable(props.ChannelArn);
    } catch (e) {
      if (gone(e)) {
        console.log(`channel ${props.ChannelArn} is gone (${causeName(e)}); nothing to unlink`);
        return false;
      }
      throw e;
    }
    if (owner !== undefined) {
      // A stale record on an unlinked channel is harmless (the next link overwrites it): best effort.
      await this.reads.retrying(`could not remove the owner record of ${props.ChannelArn}`, () => this.reads.call(this.client,
        new UntagResourceCommand({ ResourceARN: props.ChannelArn, TagKeyList: [LINK_OWNER_TAG_KEY] })),
      ).catch((e) => console.log((e as Error).message));
    }
    return true;
  }

  /** Best effort after a failed Update: re-link the old pair. Returns a sentence for the Reason. */
  public async restore(old: LinkProperties): Promise<string> {
    try {
      await this.link(old);
      return `. The previous link (${old.ChannelArn} to ${old.StreamArn}) was restored.`;
    } catch (e) {
      return `. The previous link could not be restored either (the rollback will retry): ${(e as Error).message}`;
    }
  }

  private async disable(channelArn: string): Promise<void> {
    const what = `could not unlink signaling channel ${channelArn} from its video stream`;
    await this.updates.retrying(what, () => this.storage.disable(channelArn));
  }

  private async record(channelArn: string): Promise<void> {
    await this.reads.retrying(`could not record the link's owner on signaling channel ${channelArn}`, () =>
      this.reads.call(this.client, new TagResourceCommand({
        ResourceARN: channelArn,
        Tags: [{ Key: LINK_OWNER_TAG_KEY, Value: this.me }],
      })));
  }

  /** The record on the channel, if any. */
  private async ownerOf(channelArn: string): Promise<string | undefined> {
    const answer = await this.reads.retrying(`could not read the owner record of signaling channel ${channelArn}`, () =>
      this.reads.call<ListTagsForResourceCommandOutput>(this.client, new ListTagsForResourceCommand({ ResourceARN: channelArn })));
    return answer.Tags?.[LINK_OWNER_TAG_KEY] || undefined;
  }

  private async describeOnce(channelArn: string): Promise<StorageConfiguration | undefined> {
    try {
      return await this.storage.describe(channelArn);
    } catch (e) {
      console.log(`could not read the channel's media storage configuration (${errorName(e)}); retrying the link`);
      return undefined;
    }
  }

  /**
   * The channel the stream is mapped to, once: `undefined` when it is mapped to nothing (or the
   * read failed for a reason worth retrying), `'denied'` when the role may not read it.
   */
  private async mappedChannelOnce(streamArn: string): Promise<string | 'denied' | undefined> {
    try {
      return await this.storage.mappedChannel(streamArn);
    } catch (e) {
      const name = errorName(e);
      console.log(`could not read the stream's mapped resource (${name}); retrying the link`);
      return name === 'AccessDeniedException' ? 'denied' : undefined;
    }
  }
}

function explainLinkFailure(what: string, name: string, error: Error, attempts: number, waitedMs: number): string {
  switch (name) {
    case 'NoDataRetentionException':
      return `${what}: the video stream keeps no data. WebRTC ingestion records into the stream, ` +
        'so its retention must be at least 1 hour (DataRetentionInHours > 0).';
    case 'ResourceInUseException':
      return `${what}: still in use after ${attempts} attempts over ${Math.round(waitedMs / 1000)} s. ` +
        'Either the channel or the stream is not ACTIVE, or the stream is already linked to another ' +
        `channel (the link is one-to-one). Service message: ${error.message}`;
    case 'ClientLimitExceededException':
      return `${what}: throttled by Kinesis Video (ClientLimitExceededException) after ${attempts} attempts over ` +
        `${Math.round(waitedMs / 1000)} s; UpdateMediaStorageConfiguration allows 10 calls per second per account. ` +
        `Service message: ${error.message}`;
    case 'ResourceNotFoundException':
      return `${what}: the channel or the stream does not exist. Service message: ${error.message}`;
    case 'AccessDeniedException':
      return `${what}: access denied. The link provider may only change channels that this stack created ` +
        `(tagged with this stack's id). Service message: ${error.message}`;
    default:
      return `${what}: ${name} after ${attempts} attempt(s) over ${Math.round(waitedMs / 1000)} s: ${error.message}`;
  }
}
