/**
 * The specification of each grant of the library: the IAM actions it must allow, per resource,
 * and nothing else. Shared by the tests; the one place where the expected action lists live.
 *
 * Sources:
 * - AWS's "Grant permission" page for WebRTC ingestion (Kinesis Video Streams with WebRTC
 *   developer guide): the master's channel and stream statements, and "Both Master and Viewer
 *   roles must also have DescribeStream, GetDataEndpoint, and PutMedia".
 * - The official Kinesis Video Streams WebRTC SDK samples for viewers of a recorded session
 *   (DescribeMediaStorageConfiguration, JoinStorageSessionAsViewer).
 * - The definitions of the peer-to-peer, read and playback grants.
 *
 * Written from those sources, deliberately NOT derived from `src/` (never import
 * `src/private/actions.ts` here): a test comparing the grants against the library's own lists
 * would prove nothing. The order within a list carries no meaning; tests comparing against a
 * sorted list sort at the call site (`sorted(...)`).
 */

/** What every peer calls before it connects: the channel, its endpoints and its TURN servers. */
const SIGNALING_ACTIONS = [
  'kinesisvideo:DescribeSignalingChannel',
  'kinesisvideo:GetSignalingChannelEndpoint',
  'kinesisvideo:GetIceServerConfig',
];

// ---------------------------------------------------------------------------------------------
// Channel

/**
 * Reading the media storage configuration: the official SDK clients call it in peer-to-peer
 * mode too, to detect whether ingestion is on (JS SDK `examples/channelHelper.js` in
 * `DETERMINE_THROUGH_DESCRIBE` mode, selected by `examples/master.js` and `examples/app.js`;
 * the iOS sample's master always), so every peer holds it.
 */
const DETECT_INGESTION_ACTION = 'kinesisvideo:DescribeMediaStorageConfiguration';

/** Master of a peer-to-peer session (`SignalingChannel.grantMaster`). On the channel. */
export const P2P_MASTER_CHANNEL_ACTIONS: readonly string[] = Object.freeze([
  ...SIGNALING_ACTIONS,
  DETECT_INGESTION_ACTION,
  'kinesisvideo:ConnectAsMaster',
]);

/** Viewer of a peer-to-peer session (`SignalingChannel.grantViewer`). On the channel. */
export const P2P_VIEWER_CHANNEL_ACTIONS: readonly string[] = Object.freeze([
  ...SIGNALING_ACTIONS,
  DETECT_INGESTION_ACTION,
  'kinesisvideo:ConnectAsViewer',
]);

/**
 * Master of a recorded session (WebRTC ingestion): the channel statement of AWS's "Grant
 * permission" page (`SignalingChannel.grantStorageSessionMaster`, and the channel part of
 * `WebRtcIngestion.grantMaster` and of the fleet's master grants). On the channel.
 */
export const INGESTION_MASTER_CHANNEL_ACTIONS: readonly string[] = Object.freeze([
  ...SIGNALING_ACTIONS,
  'kinesisvideo:ConnectAsMaster',
  'kinesisvideo:DescribeMediaStorageConfiguration',
  'kinesisvideo:JoinStorageSession',
]);

/**
 * Viewer of a recorded session, as in the SDK samples for viewers
 * (`SignalingChannel.grantStorageSessionViewer`, and the channel part of
 * `WebRtcIngestion.grantViewer` and of the fleet's viewer grant). On the channel.
 */
export const INGESTION_VIEWER_CHANNEL_ACTIONS: readonly string[] = Object.freeze([
  ...SIGNALING_ACTIONS,
  'kinesisvideo:ConnectAsViewer',
  'kinesisvideo:DescribeMediaStorageConfiguration',
  'kinesisvideo:JoinStorageSessionAsViewer',
]);

/**
 * The storage actions of a channel that change or join a storage session. None of them
 * belongs in a peer-to-peer grant; UpdateMediaStorageConfiguration belongs in no grant at all
 * (only the link provider has it). DescribeMediaStorageConfiguration, which only reads, is in
 * every peer's grant (see `DETECT_INGESTION_ACTION`).
 */
export const STORAGE_ACTIONS: readonly string[] = Object.freeze([
  'kinesisvideo:UpdateMediaStorageConfiguration',
  'kinesisvideo:JoinStorageSession',
  'kinesisvideo:JoinStorageSessionAsViewer',
]);

// ---------------------------------------------------------------------------------------------
// Stream

/**
 * Writing to the stream (`VideoStream.grantWrite`), and the stream part of both the master and
 * the viewer of a recorded session ("Both Master and Viewer roles must also have DescribeStream,
 * GetDataEndpoint, and PutMedia"). On the stream.
 */
export const STREAM_WRITE_ACTIONS: readonly string[] = Object.freeze([
  'kinesisvideo:DescribeStream',
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:PutMedia',
]);

/** Reading the stream's media (`VideoStream.grantRead`). On the stream. */
export const STREAM_READ_ACTIONS: readonly string[] = Object.freeze([
  'kinesisvideo:DescribeStream',
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:GetMedia',
  'kinesisvideo:ListFragments',
  'kinesisvideo:GetMediaForFragmentList',
]);

/** Playing back the recordings (`VideoStream.grantPlayback`, `WebRtcIngestion.grantPlayback`). On the stream. */
export const STREAM_PLAYBACK_ACTIONS: readonly string[] = Object.freeze([
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:GetHLSStreamingSessionURL',
  'kinesisvideo:GetDASHStreamingSessionURL',
  'kinesisvideo:GetClip',
  'kinesisvideo:GetImages',
  'kinesisvideo:ListFragments',
]);

// ---------------------------------------------------------------------------------------------
// Key (only when the stream has a customer-managed key)

/** With every grant that writes to the stream (master, viewer, write). On the stream's key. */
export const KEY_WRITE_ACTIONS: readonly string[] = Object.freeze(['kms:GenerateDataKey']);

/** With every grant that reads from the stream (read, playback). On the stream's key. */
export const KEY_READ_ACTIONS: readonly string[] = Object.freeze(['kms:Decrypt']);

// ---------------------------------------------------------------------------------------------
// Per grant method

/** What one grant allows: actions on the channel, on the stream, and on the stream's customer-managed key. */
export type GrantSpec = Partial<Record<'channel' | 'stream' | 'key', readonly string[]>>;

/** The grants of `WebRtcIngestion` (and of an imported camera). */
export const INGESTION_GRANTS: Record<'grantMaster' | 'grantViewer' | 'grantPlayback', GrantSpec> = {
  grantMaster: { channel: INGESTION_MASTER_CHANNEL_ACTIONS, stream: STREAM_WRITE_ACTIONS, key: KEY_WRITE_ACTIONS },
  grantViewer: { channel: INGESTION_VIEWER_CHANNEL_ACTIONS, stream: STREAM_WRITE_ACTIONS, key: KEY_WRITE_ACTIONS },
  grantPlayback: { stream: STREAM_PLAYBACK_ACTIONS, key: KEY_READ_ACTIONS },
};
/** The grants of `SignalingChannel`. */
export const CHANNEL_GRANTS: Record<'grantMaster' | 'grantViewer' | 'grantStorageSessionMaster' | 'grantStorageSessionViewer', GrantSpec> = {
  grantMaster: { channel: P2P_MASTER_CHANNEL_ACTIONS },
  grantViewer: { channel: P2P_VIEWER_CHANNEL_ACTIONS },
  grantStorageSessionMaster: { channel: INGESTION_MASTER_CHANNEL_ACTIONS },
  grantStorageSessionViewer: { channel: INGESTION_VIEWER_CHANNEL_ACTIONS },
};
/** The grants of `VideoStream`. */
export const STREAM_GRANTS: Record<'grantWrite' | 'grantRead' | 'grantPlayback', GrantSpec> = {
  grantWrite: { stream: STREAM_WRITE_ACTIONS, key: KEY_WRITE_ACTIONS },
  grantRead: { stream: STREAM_READ_ACTIONS, key: KEY_READ_ACTIONS },
  grantPlayback: { stream: STREAM_PLAYBACK_ACTIONS, key: KEY_READ_ACTIONS },
};
/**
 * The grants of `CameraFleet`: a camera's sets, on every camera of the fleet (by the fleet tag);
 * `grantDeviceMaster` the master set on the one camera named by the signed-in thing.
 */
export const FLEET_GRANTS: Record<keyof typeof INGESTION_GRANTS | 'grantDeviceMaster' | `${keyof typeof INGESTION_GRANTS}ByAccessGroup`, GrantSpec> = {
  ...INGESTION_GRANTS,
  grantDeviceMaster: INGESTION_GRANTS.grantMaster,
  // the same sets, on the cameras whose access group is the caller's principal tag
  grantMasterByAccessGroup: INGESTION_GRANTS.grantMaster,
  grantViewerByAccessGroup: INGESTION_GRANTS.grantViewer,
  grantPlaybackByAccessGroup: INGESTION_GRANTS.grantPlayback,
};

// ---------------------------------------------------------------------------------------------
// Devices (`DeviceIdentity`)

/**
 * The AWS IoT policy of a `DeviceIdentity`, on its role alias: exchanging the device certificate
 * for the credentials of the alias' role ("Authorizing direct calls to AWS services using AWS IoT
 * Core credential provider", AWS IoT developer guide). Nothing else.
 */
export const DEVICE_CERTIFICATE_IOT_ACTIONS: readonly string[] = Object.freeze(['iot:AssumeRoleWithCertificate']);

/** The only principal that may assume a `DeviceIdentity`'s role: the AWS IoT credentials provider. */
export const DEVICE_ROLE_TRUSTED_SERVICE = 'credentials.iot.amazonaws.com';
