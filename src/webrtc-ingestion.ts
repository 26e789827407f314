import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { MediaStorageLink } from './media-storage-link';
import { grantPermissionSet, oneResource, Permissions, PERMISSION_SETS } from './private/permissions';
import {
  asWritten,
  CheckedUpstream,
  requireProperties,
  validateCameraSettings,
  validateDeviceName,
  validateResourceName,
} from './private/validation';
import { ISignalingChannel, SignalingChannel } from './signaling-channel';
import { IVideoStream, StorageTier, VideoStream } from './video-stream';

/**
 * What the storage session writes into the stream: WebRTC ingestion takes H.264 video and
 * Opus audio, and stores H.264 video and AAC audio (JoinStorageSession API reference).
 */
const INGESTION_MEDIA_TYPE = 'video/h264,audio/aac';

/**
 * A camera recorded through WebRTC ingestion: a signaling channel and the video stream that
 * records its sessions.
 */
export interface IWebRtcIngestion extends IConstruct {
  /** The signaling channel where the master and viewers meet. */
  readonly channel: ISignalingChannel;

  /** The video stream that records the channel's sessions. */
  readonly stream: IVideoStream;

  /** The ARN of the signaling channel. */
  readonly channelArn: string;

  /** The name of the signaling channel. */
  readonly channelName: string;

  /** The ARN of the video stream. */
  readonly streamArn: string;

  /** The name of the video stream. */
  readonly streamName: string;

  /**
   * Permits an IAM principal to be the master (the camera) of a recorded session.
   *
   * The principal gets exactly what AWS's "Grant permission" page for WebRTC ingestion
   * specifies:
   *
   * - on the channel: DescribeSignalingChannel, DescribeMediaStorageConfiguration,
   *   GetSignalingChannelEndpoint, GetIceServerConfig, ConnectAsMaster, JoinStorageSession
   * - on the stream: GetDataEndpoint, DescribeStream, PutMedia
   * - with a customer-managed key: `kms:GenerateDataKey` on that key
   */
  grantMaster(grantee: iam.IGrantable): iam.Grant;

  /**
   * Permits an IAM principal to be a viewer of a recorded session.
   *
   * The principal gets what the official SDK samples' viewers call:
   *
   * - on the channel: DescribeSignalingChannel, DescribeMediaStorageConfiguration,
   *   GetSignalingChannelEndpoint, GetIceServerConfig, ConnectAsViewer,
   *   JoinStorageSessionAsViewer
   * - on the stream: GetDataEndpoint, DescribeStream, PutMedia
   * - with a customer-managed key: `kms:GenerateDataKey` on that key
   *
   * A viewer holds PutMedia because AWS's WebRTC ingestion documentation requires it of both
   * roles: a viewer may send audio into the recorded session.
   */
  grantViewer(grantee: iam.IGrantable): iam.Grant;

  /**
   * Permits an IAM principal to play recordings back (HLS, DASH, clips, images), as
   * `IVideoStream.grantPlayback` does.
   */
  grantPlayback(grantee: iam.IGrantable): iam.Grant;
}

/**
 * Properties of a `WebRtcIngestion`.
 */
export interface WebRtcIngestionProps {
  /**
   * The name of the signaling channel: 1 to 256 of `a-z`, `A-Z`, `0-9`, `_`, `.` and `-`,
   * unique in the account and region. Changing it replaces the channel.
   *
   * A camera used from another environment (a grant to a principal in another region) needs
   * its names at synthesis: give them, or `PhysicalName.GENERATE_IF_NEEDED`; without them,
   * such a use is refused, since naming a deployed camera later replaces it.
   *
   * @default - CloudFormation generates a unique name; use from another environment is refused
   */
  readonly channelName?: string;

  /**
   * The name of the video stream: 1 to 256 of `a-z`, `A-Z`, `0-9`, `_`, `.` and `-`, unique
   * in the account and region. Changing it replaces the stream.
   *
   * A camera used from another environment (a grant to a principal in another region) needs
   * its names at synthesis: give them, or `PhysicalName.GENERATE_IF_NEEDED`; without them,
   * such a use is refused, since naming a deployed camera later replaces it.
   *
   * @default - CloudFormation generates a unique name; use from another environment is refused
   */
  readonly streamName?: string;

  /**
   * How long the channel keeps an undelivered signaling message, in whole seconds from 5 to 120.
   *
   * @default Duration.seconds(60)
   */
  readonly messageTtl?: Duration;

  /**
   * How long the stream keeps recordings, in whole hours from 1 to 87,600 (10 years).
   * Ingestion needs retention, so 0 is refused.
   *
   * @default Duration.hours(24)
   */
  readonly retention?: Duration;

  /**
   * A customer-managed KMS key to encrypt recordings with. The grants then include the key
   * actions their holders need, on this key only.
   *
   * @default - the AWS-managed key `aws/kinesisvideo`
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The media type of the stream.
   *
   * @default 'video/h264,audio/aac' - what the storage session writes
   */
  readonly mediaType?: string;

  /**
   * The name of the camera, recorded on the video stream (its `DeviceName`): 1 to 128 of
   * `a-z`, `A-Z`, `0-9`, `_`, `.` and `-`.
   *
   * @default - none
   */
  readonly deviceName?: string;

  /**
   * The storage tier the video stream keeps recordings in.
   *
   * @default - none given: Kinesis Video's default, `StorageTier.HOT`
   */
  readonly storageTier?: StorageTier;

  /**
   * What happens to the video stream, and its recordings, when it leaves the stack.
   * The channel, which holds no data, is always deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Set by the construct that makes this camera from values the user gave it: it checked them.
   *
   * @internal
   */
  readonly _checkedUpstream?: CheckedUpstream;
}

/**
 * Attributes of a camera whose channel and stream were made elsewhere (another stack, or
 * outside CDK) and already linked.
 */
export interface WebRtcIngestionAttributes {
  /** The ARN of the signaling channel. */
  readonly channelArn: string;

  /** The ARN of the video stream. */
  readonly streamArn: string;

  /**
   * The customer-managed key the stream is encrypted with.
   *
   * @default - the AWS-managed key: the grants add no KMS permissions
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * What a new and an imported camera share: attributes and grants.
 * Not exported, as aws-cdk's design guidelines keep `*Base` classes; jsii copies its public
 * members onto `WebRtcIngestion`.
 */
abstract class WebRtcIngestionBase extends Construct implements IWebRtcIngestion {
  public abstract readonly channel: ISignalingChannel;
  public abstract readonly stream: IVideoStream;

  public get channelArn(): string {
    return this.channel.signalingChannelArn;
  }

  public get channelName(): string {
    return this.channel.signalingChannelName;
  }

  public get streamArn(): string {
    return this.stream.videoStreamArn;
  }

  public get streamName(): string {
    return this.stream.videoStreamName;
  }

  public grantMaster(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnCamera(grantee, PERMISSION_SETS.master);
  }

  public grantViewer(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnCamera(grantee, PERMISSION_SETS.viewer);
  }

  public grantPlayback(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnCamera(grantee, PERMISSION_SETS.playback);
  }

  private grantOnCamera(grantee: iam.IGrantable, permissions: Permissions): iam.Grant {
    return grantPermissionSet(grantee, permissions, {
      channel: oneResource(this.channel, 'channel', this.channel.signalingChannelArn),
      stream: oneResource(this.stream, 'stream', this.stream.videoStreamArn),
      key: this.stream.encryptionKey,
    });
  }
}

/**
 * A camera recorded through Kinesis Video Streams WebRTC ingestion: a `SINGLE_MASTER`
 * signaling channel, a video stream, and the link between them (media storage configuration
 * ENABLED), so that every WebRTC session on the channel is recorded into the stream.
 *
 * Once the link is enabled, peers no longer connect directly: the master joins the storage
 * session (JoinStorageSession) and viewers join it as viewers (JoinStorageSessionAsViewer).
 *
 * @example
 * declare const deviceRole: iam.IRole;
 * declare const appRole: iam.IRole;
 * const camera = new WebRtcIngestion(this, 'FrontDoor', { retention: Duration.days(7) });
 * camera.grantMaster(deviceRole);
 * camera.grantViewer(appRole);
 */
export class WebRtcIngestion extends WebRtcIngestionBase {
  /**
   * Imports a camera whose channel and stream exist already, to grant access to them.
   */
  public static fromWebRtcIngestionAttributes(scope: Construct, id: string, attrs: WebRtcIngestionAttributes): IWebRtcIngestion {
    class Import extends WebRtcIngestionBase {
      public readonly channel: ISignalingChannel;
      public readonly stream: IVideoStream;

      constructor() {
        super(scope, id);
        // Errors name this method's attributes.
        this.channel = SignalingChannel._fromAttributes(this, 'Channel', { signalingChannelArn: attrs.channelArn }, 'channelArn');
        this.stream = VideoStream._fromAttributes(this, 'Stream', {
          videoStreamArn: attrs.streamArn,
          encryptionKey: attrs.encryptionKey,
        }, 'streamArn');
      }
    }
    return new Import();
  }

  public readonly channel: ISignalingChannel;
  public readonly stream: IVideoStream;

  /** The link from the channel to the stream, a custom resource. */
  public readonly link: MediaStorageLink;

  constructor(scope: Construct, id: string, props: WebRtcIngestionProps = {}) {
    super(scope, id);
    // Checked here, before the channel and the stream exist, under this construct's names;
    // they are told so, and check nothing again.
    const upstream = props._checkedUpstream;
    if (!upstream) {
      requireProperties(this, props, { messageTtl: { type: 'Duration' }, retention: { type: 'Duration' }, encryptionKey: { type: 'kms.IKey' } });
      validateResourceName(this, 'channelName', props.channelName);
      validateResourceName(this, 'streamName', props.streamName);
      validateCameraSettings(this, props);
      validateDeviceName(this, 'deviceName', props.deviceName);
    }
    const checked = (property: string, nameInChild: string): CheckedUpstream => {
      const written = asWritten(this, property, upstream);
      return { construct: written.construct, names: { [nameInChild]: written.property } };
    };

    const channel = new SignalingChannel(this, 'Channel', {
      signalingChannelName: props.channelName,
      messageTtl: props.messageTtl,
      _checkedUpstream: checked('channelName', 'signalingChannelName'),
    });
    const stream = new VideoStream(this, 'Stream', {
      _checkedUpstream: checked('streamName', 'videoStreamName'),
      videoStreamName: props.streamName,
      retention: props.retention,
      encryptionKey: props.encryptionKey,
      mediaType: props.mediaType ?? INGESTION_MEDIA_TYPE,
      deviceName: props.deviceName,
      storageTier: props.storageTier,
      removalPolicy: props.removalPolicy,
    });
    this.link = new MediaStorageLink(this, 'MediaStorageLink', { channel, stream });
    this.channel = channel;
    this.stream = stream;
  }
}
