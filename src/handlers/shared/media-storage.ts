/**
 * A signaling channel's media storage configuration (its link to a video stream): the Kinesis Video
 * calls that the link handler (../media-storage-link/kvs-link) and the onboarding worker
 * (../camera-onboarding/cameras) both make. One call each, through the caller's retry core; the
 * retries, and who may change a mapping (the link's owner tag, the onboarding's tag), are the callers'.
 */
import {
  DescribeMappedResourceConfigurationCommand,
  DescribeMappedResourceConfigurationCommandOutput,
  DescribeMediaStorageConfigurationCommand,
  DescribeMediaStorageConfigurationCommandOutput,
  KinesisVideoClient,
  UpdateMediaStorageConfigurationCommand,
} from '@aws-sdk/client-kinesis-video';
import { DeadlineBoundCaller } from './retry';

/** A channel's link as the service sees it: Status ENABLED and the stream, or no link. */
export interface StorageConfiguration {
  readonly Status?: string;
  readonly StreamARN?: string;
}

export class MediaStorage {
  constructor(
    private readonly client: KinesisVideoClient,
    /** For UpdateMediaStorageConfiguration (10 TPS per account). */
    private readonly updates: DeadlineBoundCaller,
    /** For the reads (50 TPS per account each). */
    private readonly reads: DeadlineBoundCaller = updates,
  ) {}

  /** The channel's link (Status DISABLED, or empty, when there is none). */
  public async describe(channelArn: string): Promise<StorageConfiguration> {
    const answer = await this.reads.call<DescribeMediaStorageConfigurationCommandOutput>(this.client,
      new DescribeMediaStorageConfigurationCommand({ ChannelARN: channelArn }));
    return answer.MediaStorageConfiguration ?? {};
  }

  /** Links the channel to the stream: ResourceInUseException while either is not ACTIVE, or the stream has another channel. */
  public async enable(channelArn: string, streamArn: string): Promise<void> {
    await this.updates.call(this.client, new UpdateMediaStorageConfigurationCommand({
      ChannelARN: channelArn,
      MediaStorageConfiguration: { Status: 'ENABLED', StreamARN: streamArn },
    }));
  }

  /** Unlinks the channel from its stream. */
  public async disable(channelArn: string): Promise<void> {
    await this.updates.call(this.client, new UpdateMediaStorageConfigurationCommand({
      ChannelARN: channelArn,
      MediaStorageConfiguration: { Status: 'DISABLED' },
    }));
  }

  /**
   * The channel the stream is mapped to, or `undefined`. The list holds at most one item; its
   * `Type` values are undocumented, so the item is known by its ARN.
   */
  public async mappedChannel(streamArn: string): Promise<string | undefined> {
    const answer = await this.reads.call<DescribeMappedResourceConfigurationCommandOutput>(this.client,
      new DescribeMappedResourceConfigurationCommand({ StreamARN: streamArn }));
    return answer.MappedResourceConfigurationList?.find(item => item.ARN?.includes(':channel/'))?.ARN;
  }
}

/** Whether the link is the pair's: the channel is linked to this stream. */
export function isLinkedTo(current: StorageConfiguration | undefined, streamArn: string): boolean {
  return current?.Status === 'ENABLED' && current.StreamARN === streamArn;
}
