import { Annotations, ArnComponents, ArnFormat, IResource, ResourceEnvironment, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { accessGroupCondition } from './access-group';
import { FLEET_TAG_KEY } from './tags-and-quotas';

/**
 * Who may do what: for each grant of the library, its permission set, the actions on the
 * signaling channel, the video stream and the stream's customer-managed key (`PERMISSION_SETS`),
 * and the one helper that resolves the resources and adds the statements (`grantPermissionSet`).
 * Permission sets are not IAM roles: the grantee is whatever principal the user passes.
 *
 * Why each action is in its list, and the sources: docs/design/permissions.md. The resource type of
 * each action (Service Authorization Reference) is checked by test/util/grant-catalogue.ts, run by each construct's test file.
 */

// ---------------------------------------------------------------------------------------------
// Actions

/** What every peer calls before it connects. Channel. */
const SIGNALING_ACTIONS = [
  'kinesisvideo:DescribeSignalingChannel',
  'kinesisvideo:GetSignalingChannelEndpoint',
  'kinesisvideo:GetIceServerConfig',
];

/** The official SDK clients read it to detect ingestion, in peer-to-peer mode too (docs/design/permissions.md). Channel. */
const DETECT_INGESTION_ACTIONS = ['kinesisvideo:DescribeMediaStorageConfiguration'];

/** The master of a peer-to-peer session. Channel. */
const CHANNEL_MASTER_ACTIONS = [...SIGNALING_ACTIONS, 'kinesisvideo:ConnectAsMaster', ...DETECT_INGESTION_ACTIONS];

/** A viewer of a peer-to-peer session. Channel. */
const CHANNEL_VIEWER_ACTIONS = [...SIGNALING_ACTIONS, 'kinesisvideo:ConnectAsViewer', ...DETECT_INGESTION_ACTIONS];

/** The master of a recorded session: the channel statement of AWS's sample ingestion policy. Channel. */
const CHANNEL_STORAGE_SESSION_MASTER_ACTIONS = [...CHANNEL_MASTER_ACTIONS, 'kinesisvideo:JoinStorageSession'];

/** A viewer of a recorded session, as the official SDK samples' viewers call it. Channel. */
const CHANNEL_STORAGE_SESSION_VIEWER_ACTIONS = [...CHANNEL_VIEWER_ACTIONS, 'kinesisvideo:JoinStorageSessionAsViewer'];

/** A producer (PutMedia): the stream statement of AWS's sample ingestion policy. Stream. */
const STREAM_WRITE_ACTIONS = [
  'kinesisvideo:DescribeStream',
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:PutMedia',
];

/** A consumer of the raw stream: live (GetMedia) or by fragment. Stream. */
const STREAM_READ_ACTIONS = [
  'kinesisvideo:DescribeStream',
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:GetMedia',
  'kinesisvideo:ListFragments',
  'kinesisvideo:GetMediaForFragmentList',
];

/** A player: HLS and DASH sessions, clips and images. Stream. */
const STREAM_PLAYBACK_ACTIONS = [
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:GetHLSStreamingSessionURL',
  'kinesisvideo:GetDASHStreamingSessionURL',
  'kinesisvideo:GetClip',
  'kinesisvideo:GetImages',
  'kinesisvideo:ListFragments',
];

/** Producers encrypt with a data key of the stream's key. */
const KEY_WRITE_ACTIONS = ['kms:GenerateDataKey'];

/** Consumers decrypt what producers encrypted. */
const KEY_READ_ACTIONS = ['kms:Decrypt'];

// ---------------------------------------------------------------------------------------------
// The table

/** What one permission set allows. A resource without actions gets no statement. */
export interface Permissions {
  /** Actions on the signaling channel. */
  readonly channel?: readonly string[];
  /** Actions on the video stream. */
  readonly stream?: readonly string[];
  /** Actions on the stream's customer-managed key, granted only when it has one. */
  readonly key?: readonly string[];
}

/**
 * Every permission set of the library. To add one: add its name and its `Permissions` here, then
 * call `grantPermissionSet(grantee, PERMISSION_SETS.<name>, <resources>)` from the construct's
 * `grantX` method.
 */
export const PERMISSION_SETS = {
  /** `SignalingChannel.grantMaster`. */
  channelMaster: { channel: CHANNEL_MASTER_ACTIONS },
  /** `SignalingChannel.grantViewer`. */
  channelViewer: { channel: CHANNEL_VIEWER_ACTIONS },
  /** `SignalingChannel.grantStorageSessionMaster`. */
  storageSessionMaster: { channel: CHANNEL_STORAGE_SESSION_MASTER_ACTIONS },
  /** `SignalingChannel.grantStorageSessionViewer`. */
  storageSessionViewer: { channel: CHANNEL_STORAGE_SESSION_VIEWER_ACTIONS },
  /** `VideoStream.grantWrite`. */
  write: { stream: STREAM_WRITE_ACTIONS, key: KEY_WRITE_ACTIONS },
  /** `VideoStream.grantRead`. */
  read: { stream: STREAM_READ_ACTIONS, key: KEY_READ_ACTIONS },
  /** `VideoStream.grantPlayback`, `WebRtcIngestion.grantPlayback`, `CameraFleet.grantPlayback`. */
  playback: { stream: STREAM_PLAYBACK_ACTIONS, key: KEY_READ_ACTIONS },
  /**
   * `WebRtcIngestion.grantMaster`, `CameraFleet.grantMaster`, and `CameraFleet.grantDeviceMaster`
   * (and `DeviceIdentity`) on the device's own camera: AWS's sample ingestion master policy.
   */
  master: { channel: CHANNEL_STORAGE_SESSION_MASTER_ACTIONS, stream: STREAM_WRITE_ACTIONS, key: KEY_WRITE_ACTIONS },
  /** `WebRtcIngestion.grantViewer`, `CameraFleet.grantViewer`: a viewer may send audio, so it writes too. */
  viewer: { channel: CHANNEL_STORAGE_SESSION_VIEWER_ACTIONS, stream: STREAM_WRITE_ACTIONS, key: KEY_WRITE_ACTIONS },
} satisfies Record<string, Permissions>;

// ---------------------------------------------------------------------------------------------
// Resources

/** The channels or the streams one grant names. */
export interface ResourceSelection {
  /** The construct granted on: a channel, a stream, or a fleet. */
  readonly scope: IConstruct;
  /** The ARNs (patterns allowed). */
  readonly arns: string[];
  /** Conditions of the statement, e.g. the fleet tag. */
  readonly conditions?: Record<string, Record<string, unknown>>;
  /** The account and region of the resources. */
  readonly env: ResourceEnvironment;
  /** The resources, for messages, e.g. `signaling channel 'App/Stack/Door'`. */
  readonly description: string;
}

/** Where a role's actions go. */
export interface GrantResources {
  readonly channel?: ResourceSelection;
  readonly stream?: ResourceSelection;
  readonly key?: kms.IKey;
  /**
   * Add the stream statement before the channel statement, as the fleet grants always have:
   * the order of statements is part of the templates, which stay byte-identical.
   *
   * @default false
   */
  readonly streamFirst?: boolean;
}

/** What a channel or stream of this app adds to the grants. */
interface GrantTargetInternals {
  /** The ARN the grants name (`arnForGrants`). */
  readonly _grantArn?: string;
  /** Throws if the resource has no name, which a use from another environment needs. */
  _requireName?(): void;
}

/**
 * One channel or stream: its exact ARN, or from another environment `<type>/<name>/*`
 * (`arnForGrants`).
 */
export function oneResource(resource: IResource, type: 'channel' | 'stream', arn: string): ResourceSelection {
  return {
    scope: resource,
    arns: [(resource as GrantTargetInternals)._grantArn ?? arn],
    env: resource.env,
    description: `${type === 'channel' ? 'signaling channel' : 'video stream'} '${resource.node.path}'`,
  };
}

/**
 * The ARN the grants of a channel or stream of this app name: `arnAttribute` in its own
 * environment; from another environment (a role stack of another region), `<type>/<name>/*`, as
 * a Kinesis Video ARN ends in the creation time, which only CloudFormation knows. The public ARN
 * stays the real one, so that any other cross-environment use of it fails.
 *
 * @param getResourceArnAttribute the resource's `Resource.getResourceArnAttribute`
 */
export function arnForGrants(
  type: 'channel' | 'stream',
  arnAttribute: string,
  physicalName: string,
  getResourceArnAttribute: (arnAttr: string, components: ArnComponents) => string,
): string {
  return getResourceArnAttribute(arnAttribute, {
    service: 'kinesisvideo',
    resource: type,
    resourceName: `${physicalName}/*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/** The name of the AWS IoT thing a device signed in as, at the IoT credentials provider. */
const IOT_THING_NAME_VARIABLE = '${credentials-iot:ThingName}';

/** What the fleet grants need of a `CameraFleet`. */
export interface FleetOfCameras extends IConstruct {
  readonly fleetId: string;
  readonly namePrefix: string;
  readonly encryptionKey?: kms.IKey;
}

/**
 * Which cameras of a fleet: all of them, or the one named after the device's AWS IoT thing.
 * '*' after the prefix spans the rest of the name and the creation time; after the thing name,
 * '/*' spans the creation time only.
 */
export type FleetCameras = 'every camera' | "the device's own camera" | "the caller's access group";

/** The channels and the streams of a fleet's cameras, by name pattern and fleet tag, and its key. */
export function fleetResources(fleet: FleetOfCameras, cameras: FleetCameras): GrantResources {
  return {
    channel: fleetSelection(fleet, 'channel', cameras),
    stream: fleetSelection(fleet, 'stream', cameras),
    key: fleet.encryptionKey,
    streamFirst: true,
  };
}

/** The ARN patterns of a fleet's channels and streams, in that order (for rule acknowledgements). */
export function fleetArns(fleet: FleetOfCameras, cameras: FleetCameras): string[] {
  return (['channel', 'stream'] as const).flatMap(type => fleetSelection(fleet, type, cameras).arns);
}

function fleetSelection(fleet: FleetOfCameras, type: 'channel' | 'stream', cameras: FleetCameras): ResourceSelection {
  const stack = Stack.of(fleet);
  const resourceName = cameras === "the device's own camera" ? `${IOT_THING_NAME_VARIABLE}/*` : `${fleet.namePrefix}*`;
  const accessGroup = cameras === "the caller's access group" ? accessGroupCondition() : {};
  return {
    scope: fleet,
    arns: [stack.formatArn({ service: 'kinesisvideo', resource: type, resourceName })],
    conditions: { StringEquals: { [`aws:ResourceTag/${FLEET_TAG_KEY}`]: fleet.fleetId, ...accessGroup } },
    env: { account: stack.account, region: stack.region },
    description: `camera fleet '${fleet.node.path}' (its ${type}s)`,
  };
}

// ---------------------------------------------------------------------------------------------
// The grant

/**
 * Grants `permissions` on `resources`: a statement per resource type with actions, then the key
 * actions on the key (if any), combined into one grant.
 */
export function grantPermissionSet(grantee: iam.IGrantable, permissions: Permissions, resources: GrantResources): iam.Grant {
  let grant: iam.Grant | undefined;
  for (const type of resources.streamFirst ? ['stream', 'channel'] as const : ['channel', 'stream'] as const) {
    const actions = permissions[type];
    if (actions === undefined) {
      continue;
    }
    const selection = resources[type];
    if (selection === undefined) {
      throw new Error(`internal error: a grant of ${type} actions without a ${type}`);
    }
    const statementGrant = grantOnKinesisVideo(grantee, [...actions], selection);
    grant = grant ? grant.combine(statementGrant) : statementGrant;
  }
  if (grant === undefined) {
    throw new Error('internal error: a grant without a channel or stream action');
  }
  if (permissions.key && resources.key) {
    grant = grant.combine(resources.key.grant(grantee, ...permissions.key));
  }
  return grant;
}

/** The id of the warning given when a grant's account check cannot be made at synthesis. */
export const ACCOUNT_UNCHECKED_WARNING = 'cdk-kinesis-video-webrtc:grantAccountUnchecked';

/**
 * A statement in the grantee's identity policy, or an error: Kinesis Video Streams has no
 * resource-based policies, so a grant to another account, or to a principal without an identity
 * policy, can never work (docs/design/permissions.md, "Identity policies only").
 */
function grantOnKinesisVideo(grantee: iam.IGrantable, actions: string[], selection: ResourceSelection): iam.Grant {
  const principal = grantee.grantPrincipal;
  const principalAccount = principal.principalAccount;
  const resourceAccount = selection.env.account;
  const who = `grantee '${principal.toString()}'`;
  if (isLiteral(principalAccount) && isLiteral(resourceAccount) && principalAccount !== resourceAccount) {
    throw new Error(
      `invalid grantee: ${who} is in account ${principalAccount}, but ${selection.description} is in ` +
      `account ${resourceAccount}. Kinesis Video Streams has no resource-based policies, so only an identity policy ` +
      `in account ${resourceAccount} can grant access to it: grant to a role of account ${resourceAccount} ` +
      `(in a stack of that account) whose trust policy lets the principals of account ${principalAccount} assume it`,
    );
  }
  if (isLiteral(principalAccount) !== isLiteral(resourceAccount) && principalAccount !== undefined && principalAccount !== '') {
    // One side is a token (an environment-agnostic stack, Aws.ACCOUNT_ID): CloudFormation's values decide.
    Annotations.of(selection.scope).addWarningV2(ACCOUNT_UNCHECKED_WARNING,
      `the grant to ${who} on ${selection.description} could not be checked for accounts at synthesis: ` +
      `the grantee's account is ${describeAccount(principalAccount)} and the resource's is ${describeAccount(resourceAccount)}. ` +
      'Kinesis Video Streams has no resource-based policies, so the grant works only if both are the same account at deployment; ' +
      'give both stacks an explicit env to have it checked.');
  }

  requireNameIfUsedFromAnotherEnvironment(selection.scope, principal);

  const grant = iam.Grant.addToPrincipal({
    grantee,
    actions,
    resourceArns: selection.arns,
    conditions: selection.conditions,
  });
  if (!grant.success) {
    throw new Error(
      `invalid grantee: ${who} cannot hold an identity policy (no statement could be added to it), ` +
      `and Kinesis Video Streams has no resource-based policies to grant ${selection.description} through; ` +
      'grant to an IAM role, user or group instead, e.g. a role that this principal assumes',
    );
  }
  return grant;
}

/**
 * Refuses now, with a clear message, a grant that would make CDK generate the name of an unnamed
 * channel or stream (`Resource.getResourceArnAttribute` does so at resolution, where the same
 * check runs again for every other use): the statement lands in the principal's stack.
 */
function requireNameIfUsedFromAnotherEnvironment(scope: IConstruct, principal: iam.IPrincipal): void {
  const target = scope as GrantTargetInternals;
  if (target._requireName === undefined || !Construct.isConstruct(principal)) {
    return;
  }
  const resourceStack = Stack.of(scope);
  const consumingStack = Stack.of(principal);
  if (resourceStack.account !== consumingStack.account
    || (resourceStack.region !== consumingStack.region && !consumingStack._crossRegionReferences)) {
    target._requireName();
  }
}

function isLiteral(value: string | undefined): value is string {
  return value !== undefined && value !== '' && !Token.isUnresolved(value);
}

function describeAccount(account: string | undefined): string {
  return isLiteral(account) ? account : 'known only at deployment (a token)';
}
