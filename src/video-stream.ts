import { Duration, IResource, PhysicalName, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnStream } from 'aws-cdk-lib/aws-kinesisvideo';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { kinesisVideoResourceNameFromArn } from './private/arn';
import { KinesisVideoResource } from './private/kinesis-video-resource';
import { newMetric } from './private/metrics';
import { grantPermissionSet, oneResource, Permissions, PERMISSION_SETS } from './private/permissions';
import {
  CheckedUpstream,
  durationIn,
  KinesisVideoName,
  requireProperties,
  RETENTION,
  validateDeviceName,
  validateMediaType,
  validateOneOf,
  wholeDurationInRange,
} from './private/validation';

const METRICS_NAMESPACE = 'AWS/KinesisVideo';

/**
 * The storage tier a video stream keeps its media in (the stream's
 * `StreamStorageConfiguration.DefaultStorageTier`).
 */
export enum StorageTier {
  /**
   * Optimized for frequent access, with the lowest latency: for real-time applications and
   * media read often. What Kinesis Video uses when no tier is given.
   */
  HOT = 'HOT',

  /**
   * Balanced performance and cost, for media read regularly but not continuously.
   */
  WARM = 'WARM',
}

/**
 * A Kinesis video stream, which stores media as fragments.
 */
export interface IVideoStream extends IResource {
  /**
   * The ARN of the video stream.
   *
   * @attribute
   */
  readonly videoStreamArn: string;

  /**
   * The name of the video stream.
   *
   * @attribute
   */
  readonly videoStreamName: string;

  /**
   * The customer-managed key the stream is encrypted with, if any.
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Permits an IAM principal to produce media into this stream: PutMedia, DescribeStream and
   * GetDataEndpoint, and `kms:GenerateDataKey` on the stream's customer-managed key.
   */
  grantWrite(grantee: iam.IGrantable): iam.Grant;

  /**
   * Permits an IAM principal to consume the raw stream: GetMedia, GetDataEndpoint,
   * DescribeStream, ListFragments and GetMediaForFragmentList, and `kms:Decrypt` on the
   * stream's customer-managed key.
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;

  /**
   * Permits an IAM principal to play the stream back: GetDataEndpoint, HLS and DASH
   * streaming sessions, GetClip, GetImages and ListFragments, and `kms:Decrypt` on the
   * stream's customer-managed key.
   */
  grantPlayback(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants the given `kinesisvideo:` actions on this stream (and nothing on its key).
   *
   * Every grant is a statement in the grantee's identity policy, as Kinesis Video Streams has
   * no resource-based policies: a grantee of another account, or one that cannot hold an
   * identity policy (an `AccountPrincipal`, a `ServicePrincipal`), is an error. A grantee in
   * another region of the same account gets a statement naming the stream
   * `stream/<name>/*`; it needs the stream's name at synthesis, so an unnamed stream is refused
   * (see `videoStreamName`).
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /**
   * A metric of this stream in the `AWS/KinesisVideo` namespace, dimension `StreamName`.
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Bytes received by PutMedia (sum).
   */
  metricPutMediaIncomingBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Frames received by PutMedia (sum).
   */
  metricPutMediaIncomingFrames(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Share of PutMedia requests that succeeded, from 0 to 1 (average).
   */
  metricPutMediaSuccess(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Milliseconds from a fragment's first byte received to its acknowledgement as received (average).
   */
  metricPutMediaFragmentIngestionLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Milliseconds from a fragment's receipt to its acknowledgement as persisted (average).
   */
  metricPutMediaFragmentPersistLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Share of GetMedia requests that succeeded, from 0 to 1 (average).
   */
  metricGetMediaSuccess(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * How far GetMedia consumers are behind the stream's tip, in milliseconds (maximum).
   */
  metricGetMediaMillisBehindNow(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/**
 * Properties of a `VideoStream`.
 */
export interface VideoStreamProps {
  /**
   * The name of the video stream: 1 to 256 of `a-z`, `A-Z`, `0-9`, `_`, `.` and `-`, unique
   * in the account and region. Changing it replaces the stream.
   *
   * A stream used from another environment (a grant to a principal in another region) needs
   * a name known at synthesis: give one, or `PhysicalName.GENERATE_IF_NEEDED` to have CDK
   * generate it. Without a name, such a use is refused at synthesis, since naming a deployed
   * stream later replaces it (see the README's "Grantees: regions and accounts").
   *
   * @default - CloudFormation generates a unique name; use from another environment is refused
   */
  readonly videoStreamName?: string;

  /**
   * How long the stream keeps media, in whole hours from 0 to 87,600 (10 years).
   * 0 keeps nothing: consumers can read live media only, and WebRTC ingestion refuses the stream.
   *
   * @default Duration.hours(24)
   */
  readonly retention?: Duration;

  /**
   * A customer-managed KMS key to encrypt the media with. Producers then need
   * `kms:GenerateDataKey` and consumers `kms:Decrypt` on it, which the grants add.
   * The KVS developer guide says a stream's key cannot change after it is created.
   *
   * @default - the AWS-managed key `aws/kinesisvideo`
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The media type of the stream, as `type/subtype` or a comma-separated list of them
   * (1 to 128 characters), for example `video/h264` or `video/h264,audio/aac`.
   *
   * @default - none: the stream records whatever its producers declare
   */
  readonly mediaType?: string;

  /**
   * The name of the device that writes to the stream: 1 to 128 of `a-z`, `A-Z`, `0-9`, `_`,
   * `.` and `-`. Kinesis Video only records it.
   *
   * @default - none
   */
  readonly deviceName?: string;

  /**
   * The storage tier the stream keeps its media in.
   *
   * @default - none given: Kinesis Video's default, `StorageTier.HOT`
   */
  readonly storageTier?: StorageTier;

  /**
   * What happens to the stream, and the media it keeps, when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Set by the construct that makes this stream from values the user gave it: it checked them.
   *
   * @internal
   */
  readonly _checkedUpstream?: CheckedUpstream;
}

/**
 * Attributes of a video stream made outside this construct.
 */
export interface VideoStreamAttributes {
  /**
   * The ARN of the video stream,
   * `arn:<partition>:kinesisvideo:<region>:<account>:stream/<name>/<creation-time>`.
   */
  readonly videoStreamArn: string;

  /**
   * The customer-managed key the stream is encrypted with.
   *
   * @default - the stream uses the AWS-managed key, and the grants add no KMS permissions
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * What the real and the imported video stream share: grants and metrics.
 * Not exported, as aws-cdk's design guidelines keep `*Base` classes; jsii copies its public
 * members onto `VideoStream`.
 */
abstract class VideoStreamBase extends KinesisVideoResource implements IVideoStream {
  public abstract readonly videoStreamArn: string;
  public abstract readonly videoStreamName: string;
  public abstract readonly encryptionKey?: kms.IKey;

  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnStream(grantee, PERMISSION_SETS.write);
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnStream(grantee, PERMISSION_SETS.read);
  }

  public grantPlayback(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnStream(grantee, PERMISSION_SETS.playback);
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return this.grantOnStream(grantee, { stream: actions });
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return newMetric(METRICS_NAMESPACE, { StreamName: this.videoStreamName }, metricName, props).attachTo(this);
  }

  public metricPutMediaIncomingBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('PutMedia.IncomingBytes', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  public metricPutMediaIncomingFrames(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('PutMedia.IncomingFrames', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  public metricPutMediaSuccess(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('PutMedia.Success', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  public metricPutMediaFragmentIngestionLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('PutMedia.FragmentIngestionLatency', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  public metricPutMediaFragmentPersistLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('PutMedia.FragmentPersistLatency', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  public metricGetMediaSuccess(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('GetMedia.Success', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  public metricGetMediaMillisBehindNow(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('GetMedia.MillisBehindNow', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  private grantOnStream(grantee: iam.IGrantable, permissions: Permissions): iam.Grant {
    return grantPermissionSet(grantee, permissions, {
      stream: oneResource(this, 'stream', this.videoStreamArn),
      key: this.encryptionKey,
    });
  }
}

/**
 * A Kinesis video stream.
 *
 * @resource AWS::KinesisVideo::Stream
 */
export class VideoStream extends VideoStreamBase {
  /**
   * Imports a video stream by its ARN. The stream is taken to use the AWS-managed key.
   */
  public static fromVideoStreamArn(scope: Construct, id: string, videoStreamArn: string): IVideoStream {
    return VideoStream.fromVideoStreamAttributes(scope, id, { videoStreamArn });
  }

  /**
   * Imports a video stream from its attributes.
   */
  public static fromVideoStreamAttributes(scope: Construct, id: string, attrs: VideoStreamAttributes): IVideoStream {
    return VideoStream._fromAttributes(scope, id, attrs, 'videoStreamArn');
  }

  /**
   * `fromVideoStreamAttributes`, for a construct that imports a stream from an ARN the user
   * gave it as `arnProperty`, which errors name.
   *
   * @internal
   */
  public static _fromAttributes(scope: Construct, id: string, attrs: VideoStreamAttributes, arnProperty: string): IVideoStream {
    const videoStreamName = kinesisVideoResourceNameFromArn(attrs.videoStreamArn, 'stream', arnProperty);
    class Import extends VideoStreamBase {
      public readonly videoStreamArn = attrs.videoStreamArn;
      public readonly videoStreamName = videoStreamName;
      public readonly encryptionKey = attrs.encryptionKey;
    }
    return new Import(scope, id, { environmentFromArn: attrs.videoStreamArn });
  }

  public readonly videoStreamArn: string;
  public readonly videoStreamName: string;
  public readonly encryptionKey?: kms.IKey;

  /**
   * The ARN the grants name (`arnForGrants`).
   *
   * @internal
   */
  public readonly _grantArn: string;

  constructor(scope: Construct, id: string, props: VideoStreamProps = {}) {
    // Unnamed, the stream is named by CloudFormation; GENERATE_IF_NEEDED keeps CDK's
    // cross-environment mechanism, which `_enableCrossEnvironment` refuses without a name.
    super(scope, id, { physicalName: props.videoStreamName ?? PhysicalName.GENERATE_IF_NEEDED });
    const upstream = props._checkedUpstream;
    if (!upstream) {
      requireProperties(this, props, { retention: { type: 'Duration' }, encryptionKey: { type: 'kms.IKey' } });
    }
    this._keepName(new KinesisVideoName(this, 'video stream', 'videoStreamName', props.videoStreamName, upstream));
    if (!upstream) {
      validateMediaType(this, 'mediaType', props.mediaType);
      validateDeviceName(this, 'deviceName', props.deviceName);
      validateOneOf(this, 'storageTier', props.storageTier, Object.values(StorageTier));
    }
    const retentionHours = upstream
      ? durationIn(props.retention, 'hours')
      : wholeDurationInRange(this, 'retention', props.retention, RETENTION);

    const resource = new CfnStream(this, 'Resource', {
      name: this.physicalName,
      dataRetentionInHours: retentionHours ?? Duration.hours(24).toHours(),
      kmsKeyId: props.encryptionKey?.keyArn,
      mediaType: props.mediaType,
      deviceName: props.deviceName,
    });
    if (props.storageTier !== undefined) {
      // The CfnStream of the oldest aws-cdk-lib this library supports (2.176.0) has no
      // `streamStorageConfiguration`, so the property is written as an override. Its shape is
      // CloudFormation's resource schema for AWS::KinesisVideo::Stream:
      // StreamStorageConfiguration: { DefaultStorageTier: HOT | WARM }.
      resource.addPropertyOverride('StreamStorageConfiguration.DefaultStorageTier', props.storageTier);
    }
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);

    this.encryptionKey = props.encryptionKey;
    // A Kinesis Video ARN ends in the creation time, so it can only come from CloudFormation.
    this.videoStreamArn = resource.attrArn;
    this.videoStreamName = this.getResourceNameAttribute(resource.ref);
    this._grantArn = this._arnForGrants('stream', resource.attrArn);
  }
}
