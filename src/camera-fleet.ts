import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { fleetResources, grantPermissionSet, PERMISSION_SETS } from './private/permissions';
import { ACCESS_GROUP_TAG_KEY, FLEET_TAG_KEY, LIBRARY_TAG_PRIORITY } from './private/tags-and-quotas';
import {
  requireProperties,
  requireThingNamePrefix,
  thingNameProblem,
  validateCameraSettings,
  validateResourceName,
  validateTagValue,
} from './private/validation';
import { StorageTier } from './video-stream';
import { WebRtcIngestion } from './webrtc-ingestion';

/**
 * Settings of a camera that may differ from the fleet's defaults.
 */
export interface CameraOptions {
  /**
   * How long the channel keeps an undelivered signaling message, in whole seconds from 5 to 120.
   *
   * @default - the fleet's `messageTtl`
   */
  readonly messageTtl?: Duration;

  /**
   * How long the stream keeps recordings, in whole hours from 1 to 87,600.
   *
   * @default - the fleet's `retention`
   */
  readonly retention?: Duration;

  /**
   * The media type of the stream.
   *
   * @default - the fleet's `mediaType`
   */
  readonly mediaType?: string;

  /**
   * The storage tier of the camera's video stream.
   *
   * @default - the fleet's `storageTier`
   */
  readonly storageTier?: StorageTier;

  /**
   * What happens to the camera's video stream when it leaves the stack.
   *
   * @default - the fleet's `removalPolicy`
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The access group of the camera: a household, a shop, a site. It is written as the tag
   * `cdk-kinesis-video-webrtc:access-group` (`CameraFleet.ACCESS_GROUP_TAG_KEY`) on the camera's
   * channel and stream, and the fleet's `grant…ByAccessGroup` grants let a principal use the
   * camera only when its principal tag of the same key has this value.
   *
   * 1 to 256 characters from letters, digits, spaces and `_ . : / = + - @` (the rules of tag
   * values), compared case-sensitively.
   *
   * On the fleet, it is also the group of a `CameraOnboarding`'s run-time cameras whose AWS IoT
   * thing has no access-group attribute (`CameraOnboarding.accessGroupAttribute`).
   *
   * @default - the fleet's `accessGroup`; with none, the camera is in no access group, and no
   * `grant…ByAccessGroup` grant reaches it
   */
  readonly accessGroup?: string;
}

/**
 * Properties of a `CameraFleet`: defaults for every camera.
 */
export interface CameraFleetProps extends CameraOptions {
  /**
   * A prefix for the names of the cameras' channels and streams: camera `front-door` of a fleet
   * with prefix `shop-` records `shop-front-door` into `shop-front-door`.
   *
   * @default - no prefix: channels and streams are named exactly after their cameras
   */
  readonly namePrefix?: string;

  /**
   * A customer-managed KMS key for every camera's stream. It is a fleet-wide setting so that
   * the fleet's grants name one key, whatever the number of cameras.
   *
   * @default - the AWS-managed key `aws/kinesisvideo`
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * A fleet of cameras recorded through WebRTC ingestion (doorbells, shop cameras, robots), with
 * grants whose size does not depend on the number of cameras.
 *
 * Each camera is a `WebRtcIngestion` whose channel and stream are named after the camera and
 * tagged as the fleet's. The fleet-wide grants allow their actions on this account and
 * region's channels and streams where that tag holds this fleet's id, and nowhere else.
 *
 * @example
 * declare const opsRole: iam.IRole;
 * declare const thingRole: iam.IRole;
 * const fleet = new CameraFleet(this, 'Shop', { namePrefix: 'shop-', retention: Duration.days(30) });
 * fleet.addCamera('front-door');
 * fleet.addCamera('till', { retention: Duration.days(90) });
 * fleet.grantViewer(opsRole);
 * fleet.grantDeviceMaster(thingRole);
 */
export class CameraFleet extends Construct {
  /**
   * The tag key of a camera's access group (on its channel and stream), and the principal tag key
   * that the `grant…ByAccessGroup` grants compare with it: give it to a session with
   * `sts:AssumeRole` session tags (the role's trust policy then allows `sts:TagSession`), or
   * map a user attribute to it with `ViewerIdentity`.
   */
  public static readonly ACCESS_GROUP_TAG_KEY: string = ACCESS_GROUP_TAG_KEY;

  /**
   * The value of the fleet tag on this fleet's channels and streams: the stack's name and a
   * hash of the fleet's construct path, unique in the account and region.
   */
  public readonly fleetId: string;

  /** The prefix of the cameras' channel and stream names. */
  public readonly namePrefix: string;

  /** The customer-managed key of the cameras' streams, if any. */
  public readonly encryptionKey?: kms.IKey;

  private readonly defaults: CameraOptions;
  private readonly _cameras = new Array<WebRtcIngestion>();
  /** The construct id and the full resource name of each camera, for the thing-name check. */
  private readonly cameraNames = new Array<{ readonly name: string; readonly resourceName: string }>();
  private thingNamesRequired = false;

  constructor(scope: Construct, id: string, props: CameraFleetProps = {}) {
    super(scope, id);
    requireProperties(this, props, { messageTtl: { type: 'Duration' }, retention: { type: 'Duration' }, encryptionKey: { type: 'kms.IKey' } });
    this.namePrefix = props.namePrefix ?? '';
    if (this.namePrefix !== '') {
      validateResourceName(this, 'namePrefix', this.namePrefix);
    }
    validateTagValue(this, 'accessGroup', props.accessGroup);
    this.encryptionKey = props.encryptionKey;
    this.defaults = props;
    this.fleetId = `${Stack.of(this).stackName}/${this.node.addr}`;
    Tags.of(this).add(FLEET_TAG_KEY, this.fleetId, { priority: LIBRARY_TAG_PRIORITY });
  }

  /**
   * The key of the fleet tag, and the fleet's camera defaults, for run-time cameras
   * (`CameraOnboarding`), which must be made exactly like the stack's.
   *
   * @internal
   */
  public get _runTimeCameraSettings(): { readonly tagKey: string; readonly defaults: CameraOptions } {
    return { tagKey: FLEET_TAG_KEY, defaults: this.defaults };
  }

  /**
   * Checks the fleet's defaults as `addCamera` checks a camera's settings, with the same messages:
   * run-time cameras (`CameraOnboarding`) take them as they are, with no `addCamera` to catch them.
   *
   * @internal
   */
  public _validateRunTimeDefaults(): void {
    validateCameraSettings(this, this.defaults);
  }

  /** The cameras added so far. */
  public get cameras(): WebRtcIngestion[] {
    return [...this._cameras];
  }

  /**
   * Adds a camera whose channel and stream are both named `namePrefix + name`.
   *
   * For `grantDeviceMaster` (and `DeviceIdentity`), the camera's AWS IoT thing is named
   * `namePrefix + name` too: the full name of its channel and stream.
   *
   * @param name the camera's name, also its construct id
   * @param options settings that differ from the fleet's defaults
   */
  public addCamera(name: string, options: CameraOptions = {}): WebRtcIngestion {
    requireProperties(this, options, { messageTtl: { type: 'Duration' }, retention: { type: 'Duration' } });
    const resourceName = `${this.namePrefix}${name}`;
    validateResourceName(this, 'name', resourceName);
    validateTagValue(this, 'accessGroup', options.accessGroup);
    const settings = {
      messageTtl: options.messageTtl ?? this.defaults.messageTtl,
      retention: options.retention ?? this.defaults.retention,
      mediaType: options.mediaType ?? this.defaults.mediaType,
      storageTier: options.storageTier ?? this.defaults.storageTier,
    };
    validateCameraSettings(this, settings);
    const camera = new WebRtcIngestion(this, name, {
      channelName: resourceName,
      streamName: resourceName,
      ...settings,
      removalPolicy: options.removalPolicy ?? this.defaults.removalPolicy,
      encryptionKey: this.encryptionKey,
      // checked above; a duplicate name is reported on the camera, as its name
      _checkedUpstream: { names: { channelName: 'name', streamName: 'name' } },
    });
    const accessGroup = options.accessGroup ?? this.defaults.accessGroup;
    if (accessGroup !== undefined) {
      // as high as the fleet tag: a user's tag of the same key elsewhere cannot move the camera to another group
      Tags.of(camera).add(ACCESS_GROUP_TAG_KEY, accessGroup, { priority: LIBRARY_TAG_PRIORITY });
    }
    this._cameras.push(camera);
    this.cameraNames.push({ name, resourceName });
    return camera;
  }

  /**
   * Permits an IAM principal to be the master of every camera of this fleet, present and
   * future: the actions of `WebRtcIngestion.grantMaster`, in statements of constant size.
   */
  public grantMaster(grantee: iam.IGrantable): iam.Grant {
    return grantPermissionSet(grantee, PERMISSION_SETS.master, fleetResources(this, 'every camera'));
  }

  /**
   * Permits an IAM principal to be a viewer of every camera of this fleet: the actions of
   * `WebRtcIngestion.grantViewer`, in statements of constant size.
   */
  public grantViewer(grantee: iam.IGrantable): iam.Grant {
    return grantPermissionSet(grantee, PERMISSION_SETS.viewer, fleetResources(this, 'every camera'));
  }

  /**
   * Permits an IAM principal to play back the recordings of every camera of this fleet: the
   * actions of `IVideoStream.grantPlayback`, in statements of constant size.
   */
  public grantPlayback(grantee: iam.IGrantable): iam.Grant {
    return grantPermissionSet(grantee, PERMISSION_SETS.playback, fleetResources(this, 'every camera'));
  }

  /**
   * Permits an IAM principal to be the master of the cameras of this fleet whose access group is
   * the principal's: `grantMaster`, limited to cameras whose `accessGroup` equals the principal
   * tag `cdk-kinesis-video-webrtc:access-group` of the caller. Nothing on cameras without an
   * access group, and nothing for a caller without the tag. Statements of constant size.
   */
  public grantMasterByAccessGroup(grantee: iam.IGrantable): iam.Grant {
    return grantPermissionSet(grantee, PERMISSION_SETS.master, fleetResources(this, "the caller's access group"));
  }

  /**
   * Permits an IAM principal to be a viewer of the cameras of this fleet whose access group is
   * the principal's: `grantViewer`, limited to cameras whose `accessGroup` equals the principal
   * tag `cdk-kinesis-video-webrtc:access-group` of the caller. Nothing on cameras without an
   * access group, and nothing for a caller without the tag. Statements of constant size.
   */
  public grantViewerByAccessGroup(grantee: iam.IGrantable): iam.Grant {
    return grantPermissionSet(grantee, PERMISSION_SETS.viewer, fleetResources(this, "the caller's access group"));
  }

  /**
   * Permits an IAM principal to play back the recordings of the cameras of this fleet whose
   * access group is the principal's: `grantPlayback`, limited to cameras whose `accessGroup`
   * equals the principal tag `cdk-kinesis-video-webrtc:access-group` of the caller. Nothing on
   * cameras without an access group, and nothing for a caller without the tag. Statements of
   * constant size.
   */
  public grantPlaybackByAccessGroup(grantee: iam.IGrantable): iam.Grant {
    return grantPermissionSet(grantee, PERMISSION_SETS.playback, fleetResources(this, "the caller's access group"));
  }

  /**
   * Permits the devices of this fleet to be masters, each of its own camera only.
   *
   * For devices that sign in with an X.509 certificate at the AWS IoT credentials provider
   * (the grantee is the role behind the IoT role alias, trusted by
   * `credentials.iot.amazonaws.com`; `DeviceIdentity` creates all of it): the channel and the
   * stream are named with the policy variable `${credentials-iot:ThingName}`, so a device signed
   * in as thing `shop-front-door` may act as master of this fleet's camera whose full name
   * (`namePrefix + name`) is `shop-front-door`, and of no other. The thing name is the full
   * name, as in the official device samples, whose channel name is the thing name.
   */
  public grantDeviceMaster(grantee: iam.IGrantable): iam.Grant {
    return grantPermissionSet(grantee, PERMISSION_SETS.master, fleetResources(this, "the device's own camera"));
  }

  /**
   * Refuses, at synthesis, every camera of this fleet (added before or after) whose full name is
   * not also a valid AWS IoT thing name. Called by `DeviceIdentity`; idempotent.
   *
   * @internal
   */
  public _requireThingNames(): void {
    if (this.thingNamesRequired) {
      return;
    }
    // A prefix no thing name can start with makes every camera, present and future, unusable.
    requireThingNamePrefix('namePrefix', this.namePrefix,
      `the cameras of fleet '${this.node.path}' sign in as AWS IoT things named namePrefix + name`);
    this.thingNamesRequired = true;
    const why = (resourceName: string) =>
      `the cameras of fleet '${this.node.path}' sign in as the AWS IoT thing named after their channel and stream ('${resourceName}')`;
    this.node.addValidation({
      validate: () => this.cameraNames.flatMap(({ name, resourceName }) => {
        const problem = thingNameProblem(
          this.namePrefix === '' ? 'name' : 'namePrefix + name',
          resourceName,
          this.namePrefix === '' ? why(resourceName) : `${why(resourceName)}, namePrefix '${this.namePrefix}' + name '${name}'`,
        );
        return problem ? [problem] : [];
      }),
    });
  }
}
