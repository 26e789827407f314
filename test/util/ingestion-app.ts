/**
 * The app of the least-privilege proofs: three cameras in one stack (A encrypted), a fourth in a
 * second stack, roles granted on them, and the resources each matrix probes. Shared by the grant
 * proofs (test/webrtc-ingestion.grants.test.ts) and the link provider's proofs (test/private/media-storage-link-provider.test.ts).
 */
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { WebRtcIngestion } from '../../src';
import { INGESTION_GRANTS } from '../expected-grants';
import {
  ACCOUNT,
  cells,
  FOREIGN_ACCOUNT,
  FOREIGN_REGION,
  PARTITION,
  PolicySimulator,
  PrincipalRef,
  REGION,
  SIMULATED_ENV,
} from './policy-simulation';
import { logicalIdOf, newRole } from './stacks';

export const LINK_SCOPE_TAG = 'aws:ResourceTag/cdk-kinesis-video-webrtc:stack-id';

// ---------------------------------------------------------------------------------------------
// The app: three cameras in one stack (A encrypted with a customer-managed key, B with generated
// names, C named), an unrelated key; a second stack with its own camera D and roles granted on
// the first stack's cameras (cross-stack references become Fn::ImportValue).

export const CAMERAS = 'Cameras';
export const CONSUMERS = 'Consumers';

export type CameraKey = 'A' | 'B' | 'C' | 'D';
export type Grant = 'grantMaster' | 'grantViewer' | 'grantPlayback';

/** The roles of the app: their stack, their id, and what each is granted on which camera. */
export const GRANTED_ROLES: Array<[typeof CAMERAS | typeof CONSUMERS, string, Array<[CameraKey, Grant]>]> = [
  [CAMERAS, 'MasterA', [['A', 'grantMaster']]],
  [CAMERAS, 'ViewerA', [['A', 'grantViewer']]],
  [CAMERAS, 'PlaybackA', [['A', 'grantPlayback']]],
  [CAMERAS, 'MasterB', [['B', 'grantMaster']]],
  [CAMERAS, 'ViewerB', [['B', 'grantViewer']]],
  [CAMERAS, 'MasterC', [['C', 'grantMaster']]],
  [CAMERAS, 'ViewerC', [['C', 'grantViewer']]],
  // Several grants to one role: their statements may be merged (minimizePolicies), never crossed.
  [CAMERAS, 'MasterAViewerBPlaybackC', [['A', 'grantMaster'], ['B', 'grantViewer'], ['C', 'grantPlayback']]],
  [CONSUMERS, 'RemoteMasterA', [['A', 'grantMaster']]],
  [CONSUMERS, 'RemoteViewerA', [['A', 'grantViewer']]],
  [CONSUMERS, 'RemotePlaybackA', [['A', 'grantPlayback']]],
  [CONSUMERS, 'RemoteMasterB', [['B', 'grantMaster']]],
  [CONSUMERS, 'MasterD', [['D', 'grantMaster']]],
  [CONSUMERS, 'ViewerD', [['D', 'grantViewer']]],
];

export interface CameraArns {
  readonly channel: string;
  readonly stream: string;
  /** The resource names in the ARNs, for look-alike foreign ARNs. */
  readonly channelName: string;
  readonly streamName: string;
}

export interface RoleCase {
  readonly label: string;
  readonly principal: PrincipalRef;
  /** The camera whose look-alike ARNs (another account, region, creation time) are probed. */
  readonly camera: CameraArns;
  /** Every (action, ARN) the role must be allowed; nothing else. */
  readonly kinesisvideo: Array<[string, string]>;
  readonly kms: Array<[string, string]>;
}

export interface Fixture {
  readonly sim: PolicySimulator;
  readonly cameras: Record<'A' | 'B' | 'C' | 'D', CameraArns>;
  readonly keyA: string;
  readonly unrelatedKey: string;
  readonly roleCases: RoleCase[];
  readonly providers: Record<typeof CAMERAS | typeof CONSUMERS, { principal: PrincipalRef; logGroupArn: string; stackName: string }>;
  readonly channelTags: Record<'A' | 'D', string>;
  readonly streamTags: Record<'A' | 'D', string>;
}

export function buildFixture(context: Record<string, unknown>): Fixture {
  const app = new App({ context });
  const cameras = new Stack(app, CAMERAS, { env: SIMULATED_ENV });
  const keyA = new kms.Key(cameras, 'CameraAKey');
  const unrelatedKey = new kms.Key(cameras, 'UnrelatedKey');
  const cameraA = new WebRtcIngestion(cameras, 'CameraA', { channelName: 'camera-a', streamName: 'camera-a', encryptionKey: keyA });
  const cameraB = new WebRtcIngestion(cameras, 'CameraB');
  const cameraC = new WebRtcIngestion(cameras, 'CameraC', { channelName: 'camera-c', streamName: 'camera-c' });

  const consumers = new Stack(app, CONSUMERS, { env: SIMULATED_ENV });
  const cameraD = new WebRtcIngestion(consumers, 'CameraD', { channelName: 'camera-d', streamName: 'camera-d' });

  const ingestions: Record<CameraKey, WebRtcIngestion> = { A: cameraA, B: cameraB, C: cameraC, D: cameraD };
  const granted: Array<{ label: string; role: iam.Role; grants: Array<[CameraKey, Grant]> }> = [];
  for (const [stackName, id, grants] of GRANTED_ROLES) {
    const stack = stackName === CAMERAS ? cameras : consumers;
    const role = newRole(stack, id);
    for (const [camera, grant] of grants) ingestions[camera][grant](role);
    granted.push({ label: `${stack.stackName}/${id}`, role, grants });
  }

  const sim = PolicySimulator.fromStacks(cameras, consumers);

  // Expected ARNs come from the constructs, not from the policies under test.
  const arnsOf = (camera: WebRtcIngestion): CameraArns => {
    const stackName = Stack.of(camera).stackName;
    const channelId = logicalIdOf(camera.channel);
    const streamId = logicalIdOf(camera.stream);
    const channelName = sim.resolve(stackName, sim.resource(stackName, channelId).Properties?.Name ?? channelId);
    const streamName = sim.resolve(stackName, sim.resource(stackName, streamId).Properties?.Name ?? streamId);
    return { channel: sim.arnOf(stackName, channelId), stream: sim.arnOf(stackName, streamId), channelName, streamName };
  };
  const cameraArns = { A: arnsOf(cameraA), B: arnsOf(cameraB), C: arnsOf(cameraC), D: arnsOf(cameraD) };
  const keyAArn = sim.arnOf(CAMERAS, logicalIdOf(keyA));
  const keys: Partial<Record<'A' | 'B' | 'C' | 'D', string>> = { A: keyAArn };

  const expectedOf = (cameraKey: CameraKey, grant: Grant): Pick<RoleCase, 'kinesisvideo' | 'kms'> => {
    const arns = cameraArns[cameraKey];
    const key = keys[cameraKey];
    const spec = INGESTION_GRANTS[grant];
    return {
      kinesisvideo: [...cells(spec.channel ?? [], arns.channel), ...cells(spec.stream ?? [], arns.stream)],
      kms: key ? cells(spec.key ?? [], key) : [],
    };
  };
  const roleCases: RoleCase[] = granted.map(({ label, role, grants }) => {
    const expected = grants.map(([cameraKey, grant]) => expectedOf(cameraKey, grant));
    return {
      label,
      principal: { stackName: Stack.of(role).stackName, logicalId: logicalIdOf(role) },
      camera: cameraArns[grants[0][0]],
      kinesisvideo: expected.flatMap((e) => e.kinesisvideo),
      kms: expected.flatMap((e) => e.kms),
    };
  });

  const providerOf = (stack: Stack) => {
    const provider = stack.node.findChild('KinesisVideoMediaStorageLinkProvider');
    const roles = provider.node.findAll().filter((c): c is iam.CfnRole => c instanceof iam.CfnRole);
    const logGroups = provider.node.findAll().filter((c) => c instanceof CfnElement && (c as any).cfnResourceType === 'AWS::Logs::LogGroup');
    expect(roles).toHaveLength(1);
    expect(logGroups).toHaveLength(1);
    return {
      stackName: stack.stackName,
      principal: { stackName: stack.stackName, logicalId: logicalIdOf(roles[0]) },
      logGroupArn: sim.arnOf(stack.stackName, logicalIdOf(logGroups[0])),
    };
  };

  // The tag values the channels and streams really carry, resolved from the templates.
  const tagOf = (camera: WebRtcIngestion, resource: 'channel' | 'stream' = 'channel'): string => {
    const stackName = Stack.of(camera).stackName;
    const tags: Array<{ Key: string; Value: unknown }> = sim.resource(stackName, logicalIdOf(camera[resource])).Properties?.Tags ?? [];
    const tag = tags.filter((t) => `aws:ResourceTag/${t.Key}` === LINK_SCOPE_TAG);
    expect(tag).toHaveLength(1);
    return sim.resolve(stackName, tag[0].Value);
  };

  return {
    sim,
    cameras: cameraArns,
    keyA: keyAArn,
    unrelatedKey: sim.arnOf(CAMERAS, logicalIdOf(unrelatedKey)),
    roleCases,
    providers: { [CAMERAS]: providerOf(cameras), [CONSUMERS]: providerOf(consumers) },
    channelTags: { A: tagOf(cameraA), D: tagOf(cameraD) },
    streamTags: { A: tagOf(cameraA, 'stream'), D: tagOf(cameraD, 'stream') },
  };
}

// ---------------------------------------------------------------------------------------------
// Expectations over a matrix.

/** Resources every matrix probes: the four cameras, foreign ones, and patterns. */
export function kinesisVideoResources(f: Fixture, camera?: CameraArns): Record<string, string> {
  const kv = (region: string, account: string, rest: string) => `arn:${PARTITION}:kinesisvideo:${region}:${account}:${rest}`;
  const resources: Record<string, string> = {};
  for (const [name, arns] of Object.entries(f.cameras)) {
    resources[`camera ${name} channel`] = arns.channel;
    resources[`camera ${name} stream`] = arns.stream;
  }
  Object.assign(resources, {
    'foreign channel': kv(REGION, ACCOUNT, 'channel/foreign-channel/1700000000009'),
    'foreign stream': kv(REGION, ACCOUNT, 'stream/foreign-stream/1700000000009'),
    'any channel of this account': kv(REGION, ACCOUNT, 'channel/*'),
    'any stream of this account': kv(REGION, ACCOUNT, 'stream/*'),
    'any channel of another account': kv(REGION, FOREIGN_ACCOUNT, 'channel/*'),
    'any stream of another account': kv(REGION, FOREIGN_ACCOUNT, 'stream/*'),
    'anything of another account and region': kv(FOREIGN_REGION, FOREIGN_ACCOUNT, '*'),
    'any channel of another region': kv(FOREIGN_REGION, ACCOUNT, 'channel/*'),
    '*': '*',
  });
  if (camera) {
    // Look-alikes of the role's own camera: same name, other account / region / creation time.
    Object.assign(resources, {
      'own channel in another account': kv(REGION, FOREIGN_ACCOUNT, `channel/${camera.channelName}/${camera.channel.split('/').pop()}`),
      'own stream in another account': kv(REGION, FOREIGN_ACCOUNT, `stream/${camera.streamName}/${camera.stream.split('/').pop()}`),
      'own channel in another region': kv(FOREIGN_REGION, ACCOUNT, `channel/${camera.channelName}/${camera.channel.split('/').pop()}`),
      'own stream in another region': kv(FOREIGN_REGION, ACCOUNT, `stream/${camera.streamName}/${camera.stream.split('/').pop()}`),
      'own channel, earlier incarnation': kv(REGION, ACCOUNT, `channel/${camera.channelName}/1600000000000`),
      'own stream, earlier incarnation': kv(REGION, ACCOUNT, `stream/${camera.streamName}/1600000000000`),
    });
  }
  if (new Set(Object.values(resources)).size !== Object.keys(resources).length) throw new Error('probed resources are not distinct');
  return resources;
}

export function kmsResources(f: Fixture): Record<string, string> {
  return {
    'camera A key': f.keyA,
    'unrelated key': f.unrelatedKey,
    'camera A key in another account': f.keyA.replace(`:${ACCOUNT}:`, `:${FOREIGN_ACCOUNT}:`),
    'a key in another region': f.keyA.replace(`:${REGION}:`, `:${FOREIGN_REGION}:`),
    '*': '*',
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * The app is built twice: with no feature flags set, and with the flags `cdk init` sets for a
 * new project (among them `@aws-cdk/aws-iam:minimizePolicies`, which merges statements).
 */
export const FLAG_SETS: Array<[string, Record<string, unknown>]> = [
  ['default feature flags', {}],
  ['recommended feature flags', { ...CURRENTLY_RECOMMENDED_FLAGS }],
];

export { catalogueActions } from './policy-simulation';
