import { Duration, IResource, PhysicalName, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnSignalingChannel } from 'aws-cdk-lib/aws-kinesisvideo';
import { Construct } from 'constructs';
import { kinesisVideoResourceNameFromArn } from './private/arn';
import { KinesisVideoResource } from './private/kinesis-video-resource';
import { grantPermissionSet, oneResource, Permissions, PERMISSION_SETS } from './private/permissions';
import {
  CheckedUpstream,
  durationIn,
  KinesisVideoName,
  MESSAGE_TTL,
  requireProperties,
  wholeDurationInRange,
} from './private/validation';

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
   * describe it, get its endpoints and ICE servers, connect as master, and read its media
   * storage configuration (DescribeMediaStorageConfiguration), which the official SDK clients
   * call to detect whether ingestion is on.
   *
   * No storage session: for a channel recorded into a stream, use
   * `grantStorageSessionMaster` (or `WebRtcIngestion.grantMaster`).
   */
  grantMaster(grantee: iam.IGrantable): iam.Grant;

  /**
   * Permits an IAM principal to act as a viewer of a peer-to-peer session on this channel:
   * describe it, get its endpoints and ICE servers, connect as viewer, and read its media
   * storage configuration (DescribeMediaStorageConfiguration), as the official SDK clients do.
   */
  grantViewer(grantee: iam.IGrantable): iam.Grant;

  /**
   * Permits an IAM principal to act as the master of a session that is recorded (WebRTC
   * ingestion): the peer-to-peer master actions plus JoinStorageSession, as in AWS's sample
   * master policy.
   *
   * The stream side (PutMedia, DescribeStream, GetDataEndpoint) is `IVideoStream.grantWrite`.
   */
  grantStorageSessionMaster(grantee: iam.IGrantable): iam.Grant;

  /**
   * Permits an IAM principal to act as a viewer of a recorded session: the peer-to-peer viewer
   * actions plus JoinStorageSessionAsViewer.
   */
  grantStorageSessionViewer(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants the given `kinesisvideo:` actions on this channel.
   *
   * Every grant is a statement in the grantee's identity policy, as Kinesis Video Streams has
   * no resource-based policies: a grantee of another account, or one that cannot hold an
   * identity policy (an `AccountPrincipal`, a `ServicePrincipal`), is an error. A grantee in
   * another region of the same account gets a statement naming the channel
   * `channel/<name>/*`; it needs the channel's name at synthesis, so an unnamed channel is refused
   * (see `signalingChannelName`).
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
   * A channel used from another environment (a grant to a principal in another region) needs
   * a name known at synthesis: give one, or `PhysicalName.GENERATE_IF_NEEDED` to have CDK
   * generate it. Without a name, such a use is refused at synthesis, since naming a deployed
   * channel later replaces it (see the README's "Grantees: regions and accounts").
   *
   * @default - CloudFormation generates a unique name; use from another environment is refused
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

  /**
   * Set by the construct that makes this channel from values the user gave it: it checked them.
   *
   * @internal
   */
  readonly _checkedUpstream?: CheckedUpstream;
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
 * Not exported, as aws-cdk's design guidelines keep `*Base` classes; jsii copies its public
 * members onto `SignalingChannel`.
 */
abstract class SignalingChannelBase extends KinesisVideoResource implements ISignalingChannel {
  public abstract readonly signalingChannelArn: string;
  public abstract readonly signalingChannelName: string;

  public grantMaster(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnChannel(grantee, PERMISSION_SETS.channelMaster);
  }

  public grantViewer(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnChannel(grantee, PERMISSION_SETS.channelViewer);
  }

  public grantStorageSessionMaster(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnChannel(grantee, PERMISSION_SETS.storageSessionMaster);
  }

  public grantStorageSessionViewer(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnChannel(grantee, PERMISSION_SETS.storageSessionViewer);
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return this.grantOnChannel(grantee, { channel: actions });
  }

  private grantOnChannel(grantee: iam.IGrantable, permissions: Permissions): iam.Grant {
    return grantPermissionSet(grantee, permissions, { channel: oneResource(this, 'channel', this.signalingChannelArn) });
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
    return SignalingChannel._fromAttributes(scope, id, attrs, 'signalingChannelArn');
  }

  /**
   * `fromSignalingChannelAttributes`, for a construct that imports a channel from an ARN the
   * user gave it as `arnProperty`, which errors name.
   *
   * @internal
   */
  public static _fromAttributes(scope: Construct, id: string, attrs: SignalingChannelAttributes, arnProperty: string): ISignalingChannel {
    const signalingChannelName = kinesisVideoResourceNameFromArn(attrs.signalingChannelArn, 'channel', arnProperty);
    class Import extends SignalingChannelBase {
      public readonly signalingChannelArn = attrs.signalingChannelArn;
      public readonly signalingChannelName = signalingChannelName;
    }
    return new Import(scope, id, { environmentFromArn: attrs.signalingChannelArn });
  }

  public readonly signalingChannelArn: string;
  public readonly signalingChannelName: string;

  /**
   * The ARN the grants name (`arnForGrants`).
   *
   * @internal
   */
  public readonly _grantArn: string;

  constructor(scope: Construct, id: string, props: SignalingChannelProps = {}) {
    // Unnamed, the channel is named by CloudFormation; GENERATE_IF_NEEDED keeps CDK's
    // cross-environment mechanism, which `_enableCrossEnvironment` refuses without a name.
    super(scope, id, { physicalName: props.signalingChannelName ?? PhysicalName.GENERATE_IF_NEEDED });
    const upstream = props._checkedUpstream;
    if (!upstream) {
      requireProperties(this, props, { messageTtl: { type: 'Duration' } });
    }
    this._keepName(new KinesisVideoName(this, 'signaling channel', 'signalingChannelName', props.signalingChannelName, upstream));
    const messageTtlSeconds = upstream
      ? durationIn(props.messageTtl, 'seconds')
      : wholeDurationInRange(this, 'messageTtl', props.messageTtl, MESSAGE_TTL);

    const resource = new CfnSignalingChannel(this, 'Resource', {
      name: this.physicalName,
      type: 'SINGLE_MASTER',
      messageTtlSeconds: messageTtlSeconds ?? Duration.seconds(60).toSeconds(),
    });
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.DESTROY);

    // A Kinesis Video ARN ends in the creation time, so it can only come from CloudFormation.
    this.signalingChannelArn = resource.attrArn;
    this.signalingChannelName = this.getResourceNameAttribute(resource.ref);
    this._grantArn = this._arnForGrants('channel', resource.attrArn);
  }
}
