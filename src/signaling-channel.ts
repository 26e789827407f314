import { Duration, IResource, RemovalPolicy, Resource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnSignalingChannel } from 'aws-cdk-lib/aws-kinesisvideo';
import { Construct } from 'constructs';
import {
  CHANNEL_MASTER_ACTIONS,
  CHANNEL_STORAGE_SESSION_MASTER_ACTIONS,
  CHANNEL_STORAGE_SESSION_VIEWER_ACTIONS,
  CHANNEL_VIEWER_ACTIONS,
} from './private/actions';
import { kinesisVideoResourceNameFromArn } from './private/arn';
import { requireUniqueNameInStack, validateResourceName, wholeDurationInRange } from './private/validation';

/** The signaling channel's message TTL limits, in seconds (CreateSignalingChannel API). */
const MESSAGE_TTL_MIN_SECONDS = 5;
const MESSAGE_TTL_MAX_SECONDS = 120;

/**
 * A Kinesis Video Streams signaling channel, where WebRTC peers meet.
 */
export interface ISignalingChannel extends IResource {
  /**
   * The ARN of the signaling channel.
   *
   * @attribute
   */
  readonly signalingChannelArn: string;

  /**
   * The name of the signaling channel.
   *
   * @attribute
   */
  readonly signalingChannelName: string;

  /**
   * Permits an IAM principal to act as the master of a peer-to-peer session on this channel:
   * describe it, get its endpoints and ICE servers, and connect as master.
   *
   * Nothing storage-related: for a channel recorded into a stream, use
   * `grantStorageSessionMaster` (or `WebRtcIngestion.grantMaster`).
   */
  grantMaster(grantee: iam.IGrantable): iam.Grant;

  /**
   * Permits an IAM principal to act as a viewer of a peer-to-peer session on this channel:
   * describe it, get its endpoints and ICE servers, and connect as viewer.
   */
  grantViewer(grantee: iam.IGrantable): iam.Grant;

  /**
   * Permits an IAM principal to act as the master of a session that is recorded (WebRTC
   * ingestion): the peer-to-peer master actions plus DescribeMediaStorageConfiguration and
   * JoinStorageSession, as in AWS's sample master policy.
   *
   * The stream side (PutMedia, DescribeStream, GetDataEndpoint) is `IVideoStream.grantWrite`.
   */
  grantStorageSessionMaster(grantee: iam.IGrantable): iam.Grant;

  /**
   * Permits an IAM principal to act as a viewer of a recorded session: the peer-to-peer viewer
   * actions plus DescribeMediaStorageConfiguration and JoinStorageSessionAsViewer.
   */
  grantStorageSessionViewer(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants the given `kinesisvideo:` actions on this channel.
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;
}

/**
 * Properties of a `SignalingChannel`.
 */
export interface SignalingChannelProps {
  /**
   * The name of the signaling channel: 1 to 256 of `a-z`, `A-Z`, `0-9`, `_`, `.` and `-`,
   * unique in the account and region. Changing it replaces the channel.
   *
   * @default - CloudFormation generates a unique name
   */
  readonly signalingChannelName?: string;

  /**
   * How long the channel keeps an undelivered message, in whole seconds from 5 to 120.
   *
   * @default Duration.seconds(60)
   */
  readonly messageTtl?: Duration;

  /**
   * What happens to the channel when it leaves the stack. A channel holds no media.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Attributes of a signaling channel made outside this construct.
 */
export interface SignalingChannelAttributes {
  /**
   * The ARN of the signaling channel,
   * `arn:<partition>:kinesisvideo:<region>:<account>:channel/<name>/<creation-time>`.
   */
  readonly signalingChannelArn: string;
}

/**
 * What the real and the imported signaling channel share: the grants.
 */
export abstract class SignalingChannelBase extends Resource implements ISignalingChannel {
  public abstract readonly signalingChannelArn: string;
  public abstract readonly signalingChannelName: string;

  public grantMaster(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...CHANNEL_MASTER_ACTIONS);
  }

  public grantViewer(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...CHANNEL_VIEWER_ACTIONS);
  }

  public grantStorageSessionMaster(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...CHANNEL_STORAGE_SESSION_MASTER_ACTIONS);
  }

  public grantStorageSessionViewer(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...CHANNEL_STORAGE_SESSION_VIEWER_ACTIONS);
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    // Kinesis Video has no resource policies: the statement always goes to the principal.
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.signalingChannelArn],
    });
  }
}

/**
 * A Kinesis Video Streams signaling channel of type `SINGLE_MASTER`, where a master (the
 * camera) and viewers exchange WebRTC offers, answers and ICE candidates.
 *
 * @resource AWS::KinesisVideo::SignalingChannel
 */
export class SignalingChannel extends SignalingChannelBase {
  /**
   * Imports a signaling channel by its ARN.
   */
  public static fromSignalingChannelArn(scope: Construct, id: string, signalingChannelArn: string): ISignalingChannel {
    return SignalingChannel.fromSignalingChannelAttributes(scope, id, { signalingChannelArn });
  }

  /**
   * Imports a signaling channel from its attributes.
   */
  public static fromSignalingChannelAttributes(scope: Construct, id: string, attrs: SignalingChannelAttributes): ISignalingChannel {
    const signalingChannelName = kinesisVideoResourceNameFromArn(attrs.signalingChannelArn, 'channel', 'signalingChannelArn');
    class Import extends SignalingChannelBase {
      public readonly signalingChannelArn = attrs.signalingChannelArn;
      public readonly signalingChannelName = signalingChannelName;
    }
    return new Import(scope, id, { environmentFromArn: attrs.signalingChannelArn });
  }

  public readonly signalingChannelArn: string;
  public readonly signalingChannelName: string;

  constructor(scope: Construct, id: string, props: SignalingChannelProps = {}) {
    super(scope, id, { physicalName: props.signalingChannelName });
    validateResourceName('signalingChannelName', props.signalingChannelName);
    const messageTtlSeconds = wholeDurationInRange(
      'messageTtl', props.messageTtl, 'seconds', MESSAGE_TTL_MIN_SECONDS, MESSAGE_TTL_MAX_SECONDS);
    requireUniqueNameInStack(this, 'signalingChannelName', 'signaling channel', props.signalingChannelName);

    const resource = new CfnSignalingChannel(this, 'Resource', {
      name: props.signalingChannelName,
      type: 'SINGLE_MASTER',
      messageTtlSeconds: messageTtlSeconds ?? Duration.seconds(60).toSeconds(),
    });
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.DESTROY);

    // A Kinesis Video ARN ends in the creation time, so it can only come from CloudFormation.
    this.signalingChannelArn = resource.attrArn;
    this.signalingChannelName = this.getResourceNameAttribute(resource.ref);
  }
}
