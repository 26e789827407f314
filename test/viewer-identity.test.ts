/**
 * ViewerIdentity and the access groups of CameraFleet, by template: the tag on each camera's
 * channel and stream, the identity pool for authenticated users only, the principal-tag mapping,
 * the role attachment, and the refusals at synthesis (guests, bad tag values, an app client whose
 * users could write their own access group or whose tokens would not carry it); then what the
 * policies allow, by simulation.
 */
import { App, Stack, Tags, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { FLEET_GRANTS } from './expected-grants';
import { CameraFleet, ViewerIdentity, WebRtcIngestion } from '../src';
import { errorOf, expectMentions, expectValidationError } from './util/errors';
import { elsewhere, trustDecision } from './util/identity-simulation';
import { ACCOUNT, catalogueActions, cellKey, PolicySimulator, PrincipalRef, REGION, SIMULATED_ENV } from './util/policy-simulation';
import { logicalIdOf } from './util/stacks';
import { ACCESS_GROUP_TAG_KEY, FLEET_TAG_KEY } from '../src/private/tags-and-quotas';

function setup(clientOptions: cognito.UserPoolClientOptions = {
  readAttributes: new cognito.ClientAttributes().withCustomAttributes('accessGroup'),
  writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
}) {
  const stack = new Stack(new App(), 'Homes');
  const userPool = new cognito.UserPool(stack, 'Users', {
    customAttributes: { accessGroup: new cognito.StringAttribute({ mutable: true }) },
  });
  const userPoolClient = userPool.addClient('App', clientOptions);
  const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'home-' });
  return { stack, userPool, userPoolClient, fleet };
}

/** The tags of the resources of `type` named `name`. */
function tagsOf(stack: Stack, type: string, name: string): Record<string, unknown> {
  const resources = Template.fromStack(stack).findResources(type, { Properties: { Name: name } });
  const [resource] = Object.values(resources);
  return Object.fromEntries((resource.Properties.Tags as Array<{ Key: string; Value: unknown }>).map(t => [t.Key, t.Value]));
}

describe('access groups on cameras', () => {
  test('a camera\'s access group is a tag on its channel and stream; the fleet\'s is the default; none means no tag', () => {
    const stack = new Stack(new App(), 'Homes');
    const fleet = new CameraFleet(stack, 'Fleet', { accessGroup: 'site-1' });
    fleet.addCamera('gate');
    fleet.addCamera('yard', { accessGroup: 'Smith family: Ünsal/2 @home+=' });
    const other = new CameraFleet(stack, 'Other');
    other.addCamera('shed');
    for (const type of ['AWS::KinesisVideo::SignalingChannel', 'AWS::KinesisVideo::Stream']) {
      expect(tagsOf(stack, type, 'gate')[ACCESS_GROUP_TAG_KEY]).toBe('site-1');
      expect(tagsOf(stack, type, 'yard')[ACCESS_GROUP_TAG_KEY]).toBe('Smith family: Ünsal/2 @home+=');
      expect(tagsOf(stack, type, 'shed')).not.toHaveProperty([ACCESS_GROUP_TAG_KEY]);
    }
  });

  test('a user\'s tag of the same key elsewhere does not move a camera to another group', () => {
    const stack = new Stack(new App(), 'Homes');
    const fleet = new CameraFleet(stack, 'Fleet');
    fleet.addCamera('gate', { accessGroup: 'smith' });
    Tags.of(stack).add(ACCESS_GROUP_TAG_KEY, 'jones');
    expect(tagsOf(stack, 'AWS::KinesisVideo::SignalingChannel', 'gate')[ACCESS_GROUP_TAG_KEY]).toBe('smith');
    expect(tagsOf(stack, 'AWS::KinesisVideo::Stream', 'gate')[ACCESS_GROUP_TAG_KEY]).toBe('smith');
  });

  test.each([
    ['', 'empty'],
    ['a'.repeat(257), 'too long'],
    ['smith;jones', 'a character outside the tag rules'],
    ['smith*', 'a wildcard'],
    ['${aws:username}', 'a policy variable'],
  ])('accessGroup %j (%s) is refused, on a camera and on the fleet', (value) => {
    const stack = new Stack(new App(), 'Homes');
    const fleet = new CameraFleet(stack, 'Fleet');
    expectValidationError(errorOf(() => fleet.addCamera('gate', { accessGroup: value })), 'accessGroup', `'${value}'`);
    expectValidationError(errorOf(() => new CameraFleet(stack, 'Other', { accessGroup: value })), 'accessGroup', `'${value}'`);
  });

  test('256 characters and tokens pass', () => {
    const stack = new Stack(new App(), 'Homes');
    const fleet = new CameraFleet(stack, 'Fleet');
    fleet.addCamera('long', { accessGroup: 'é'.repeat(256) });
    fleet.addCamera('token', { accessGroup: Token.asString({ Ref: 'Group' }) });
    expect(tagsOf(stack, 'AWS::KinesisVideo::Stream', 'token')[ACCESS_GROUP_TAG_KEY]).toEqual({ Ref: 'Group' });
  });

  test('an access-group grant to a principal of another account is refused, as every fleet grant', () => {
    const app = new App();
    const stack = new Stack(app, 'Homes', { env: { account: '111111111111', region: 'eu-west-1' } });
    const fleet = new CameraFleet(stack, 'Fleet');
    const foreign = iam.Role.fromRoleArn(stack, 'Foreign', 'arn:aws:iam::222222222222:role/viewers');
    for (const grant of [fleet.grantViewerByAccessGroup, fleet.grantPlaybackByAccessGroup, fleet.grantMasterByAccessGroup]) {
      expect(() => grant.call(fleet, foreign)).toThrow(/account 222222222222/);
    }
  });

  test('CameraFleet.ACCESS_GROUP_TAG_KEY is the key of the tag and of the principal tag', () => {
    const { stack, fleet } = setup();
    const role = new iam.Role(stack, 'Backend', { assumedBy: new iam.AccountRootPrincipal() });
    fleet.grantViewerByAccessGroup(role);
    const statements = Template.fromStack(stack).toJSON().Resources[logicalIdOf(role.node.findChild('DefaultPolicy'))]
      .Properties.PolicyDocument.Statement;
    for (const statement of statements) {
      expect(statement.Condition.StringEquals[`aws:ResourceTag/${CameraFleet.ACCESS_GROUP_TAG_KEY}`])
        .toBe(`\${aws:PrincipalTag/${CameraFleet.ACCESS_GROUP_TAG_KEY}}`);
    }
  });
});

describe('ViewerIdentity', () => {
  test('an identity pool for this user pool and app client, authenticated identities only, enhanced flow only', () => {
    const { stack, userPool, userPoolClient, fleet } = setup();
    new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient, identityPoolName: 'home viewers' });
    Template.fromStack(stack).hasResourceProperties('AWS::Cognito::IdentityPool', {
      IdentityPoolName: 'home viewers',
      AllowUnauthenticatedIdentities: false,
      AllowClassicFlow: false,
      CognitoIdentityProviders: [{
        ClientId: { Ref: logicalIdOf(userPoolClient) },
        ProviderName: { 'Fn::GetAtt': [logicalIdOf(userPool), 'ProviderName'] },
        ServerSideTokenCheck: true,
      }],
    });
  });

  test('the principal tag is mapped from the access-group attribute, without the default mappings', () => {
    const { stack, userPool, userPoolClient, fleet } = setup();
    const viewers = new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient });
    expect(viewers.accessGroupAttribute).toBe('custom:accessGroup');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Cognito::IdentityPoolPrincipalTag', 1);
    template.hasResourceProperties('AWS::Cognito::IdentityPoolPrincipalTag', {
      IdentityPoolId: { Ref: logicalIdOf(viewers.node.findChild('IdentityPool')) },
      IdentityProviderName: { 'Fn::GetAtt': [logicalIdOf(userPool), 'ProviderName'] },
      UseDefaults: false,
      PrincipalTags: { [ACCESS_GROUP_TAG_KEY]: 'custom:accessGroup' },
    });
  });

  test('the authenticated role is attached, and no unauthenticated role', () => {
    const { stack, userPool, userPoolClient, fleet } = setup();
    const viewers = new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient });
    Template.fromStack(stack).hasResourceProperties('AWS::Cognito::IdentityPoolRoleAttachment', {
      IdentityPoolId: { Ref: logicalIdOf(viewers.node.findChild('IdentityPool')) },
      Roles: Match.exact({ authenticated: { 'Fn::GetAtt': [logicalIdOf(viewers.role), 'Arn'] } }),
    });
  });

  test('the grants live in one customer-managed policy; the role has no inline policy', () => {
    const { stack, userPool, userPoolClient, fleet } = setup();
    const viewers = new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: logicalIdOf(viewers.role) }] });
    expect(template.toJSON().Resources[logicalIdOf(viewers.role)].Properties.Policies).toBeUndefined();
  });

  test.each([
    [{}, ['channel', 'stream']],
    [{ allowLiveView: false }, ['stream']],
    [{ allowLiveView: false, allowPlayback: false, allowMaster: true }, ['channel', 'stream']],
  ])('grants %j: statements on %j', (options, types) => {
    const { stack, userPool, userPoolClient, fleet } = setup();
    new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient, ...options });
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))[0];
    const resources = JSON.stringify(policy.Properties.PolicyDocument.Statement.map((s: any) => s.Resource));
    expect(types.map(t => resources.includes(`:${t}/home-*`))).toEqual(types.map(() => true));
    expect(['channel', 'stream'].filter(t => resources.includes(`:${t}/`)).sort()).toEqual(types);
  });

  test('guests are refused', () => {
    const { stack, userPool, userPoolClient, fleet } = setup();
    const error = errorOf(() => new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient, allowUnauthenticatedIdentities: true }));
    expectValidationError(error, 'allowUnauthenticatedIdentities', 'true');
    expect(error.message).toMatch(/scope-down/);
  });

  test('an identity that allows nothing is refused', () => {
    const { stack, userPool, userPoolClient, fleet } = setup();
    const error = errorOf(() => new ViewerIdentity(stack, 'Viewers', {
      fleet, userPool, userPoolClient, allowLiveView: false, allowPlayback: false, allowMaster: false,
    }));
    expectValidationError(error, 'allowPlayback', 'false');
  });

  test.each([
    ['an app client that lets users write the attribute', { writeAttributes: new cognito.ClientAttributes().withCustomAttributes('accessGroup') }, 'userPoolClient', 'custom:accessGroup'],
    ['an app client whose tokens leave the attribute out', { readAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }) }, 'userPoolClient', 'email'],
  ])('%s is refused', (_, clientOptions, property, received) => {
    const { stack, userPool, userPoolClient, fleet } = setup(clientOptions);
    expectValidationError(errorOf(() => new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient })), property, received);
  });

  test('a standard attribute that app clients may write by default is refused; sub is accepted', () => {
    const { stack, userPool, userPoolClient, fleet } = setup({});
    expectValidationError(errorOf(() => new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient, accessGroupAttribute: 'locale' })),
      'userPoolClient', 'locale');
    const viewers = new ViewerIdentity(stack, 'PerUser', { fleet, userPool, userPoolClient, accessGroupAttribute: 'sub' });
    expect(viewers.accessGroupAttribute).toBe('sub');
  });

  test('a custom attribute the user pool does not have is refused', () => {
    const { stack, userPool, userPoolClient, fleet } = setup({});
    expectValidationError(errorOf(() => new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient, accessGroupAttribute: 'custom:household' })),
      'accessGroupAttribute', 'household');
  });

  test.each(['custom:', 'custom:' + 'x'.repeat(21), 'access group', ''])('accessGroupAttribute %j is refused', (value) => {
    const { stack, userPool, userPoolClient, fleet } = setup();
    expectValidationError(errorOf(() => new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient, accessGroupAttribute: value })),
      'accessGroupAttribute', `'${value}'`);
  });

  test('identityPoolName outside the pattern is refused', () => {
    const { stack, userPool, userPoolClient, fleet } = setup();
    expectValidationError(errorOf(() => new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient, identityPoolName: 'home/viewers' })),
      'identityPoolName', 'home/viewers');
  });

  describe('a group no user can choose: every app client of the pool in the app, and the pool itself', () => {
    const viewing = {
      readAttributes: new cognito.ClientAttributes().withCustomAttributes('accessGroup'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    };
    /** The synthesis error, which must name the property, the client's (or pool's) path and the fix. */
    const synthError = (stack: Stack) => errorOf(() => Template.fromStack(stack));
    /** The pool with its viewing client, and the identity over them (checked only at synthesis). */
    const withViewingIdentity = () => {
      const { stack, userPool, userPoolClient, fleet } = setup(viewing);
      new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient });
      return { stack, userPool };
    };

    test('a second client that may write the attribute, added after the identity, is refused at synthesis', () => {
      const { stack, userPool } = withViewingIdentity();
      userPool.addClient('Admin', { writeAttributes: new cognito.ClientAttributes().withCustomAttributes('accessGroup') });
      const error = synthError(stack);
      expectValidationError(new Error(error.message.replace(/^[\s\S]*?invalid /, 'invalid ')), 'userPool', 'custom:accessGroup');
      expectMentions(error, [
        "app client 'Homes/Users/Admin'",
        'writeAttributes: custom:accessGroup',
        'give that client writeAttributes without it',
        "in 'Homes/Viewers'",
      ]);
    });

    test('a second client without writeAttributes (which may write every attribute) is refused at synthesis, in another stack too', () => {
      const { stack, userPool } = withViewingIdentity();
      const other = new Stack(stack.node.root as App, 'Backoffice');
      new cognito.UserPoolClient(other, 'Console', { userPool });
      const error = synthError(stack);
      expectMentions(error, [
        "app client 'Backoffice/Console'",
        'no writeAttributes: a client without them may write every user attribute, custom ones included',
        'new cognito.ClientAttributes().withStandardAttributes({ email: true })',
      ]);
    });

    test('the viewing client without writeAttributes is refused at once, with its path and the fix', () => {
      const { stack, userPool, userPoolClient, fleet } = setup({ readAttributes: viewing.readAttributes });
      const error = errorOf(() => new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient }));
      expectValidationError(error, 'userPoolClient', 'custom:accessGroup');
      expectMentions(error, [
        "app client 'Homes/Users/App'",
        'no writeAttributes',
        'give that client writeAttributes without it',
      ]);
    });

    test('a second client that may not write it, and clients of another pool, pass', () => {
      const { stack, userPool } = withViewingIdentity();
      userPool.addClient('Admin', { writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }) });
      new cognito.UserPool(stack, 'Staff').addClient('Anything');
      expect(() => Template.fromStack(stack)).not.toThrow();
    });

    test('a user pool that does not declare the attribute (no custom attributes at all) is refused with the line to add', () => {
      const stack = new Stack(new App(), 'Homes');
      const userPool = new cognito.UserPool(stack, 'Users');
      const userPoolClient = userPool.addClient('App', viewing);
      const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'home-' });
      const error = errorOf(() => new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient }));
      expectValidationError(error, 'accessGroupAttribute', 'accessGroup');
      expectMentions(error, [
        "user pool 'Homes/Users' has no custom attribute 'accessGroup' (custom attributes: none)",
        'customAttributes: { accessGroup: new cognito.StringAttribute({ mutable: true }) }',
      ]);
    });
  });

  test('a deploy-time guard reads the pool and its clients (only), before any user gets credentials', () => {
    const { stack, userPool, userPoolClient, fleet } = setup();
    new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient });
    const template = Template.fromStack(stack);
    const guards = template.findResources('Custom::UserPoolClientsGuard');
    expect(Object.values(guards).map((g) => g.Properties)).toEqual([{
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^ViewersUserPoolGuardFunction/), 'Arn'] },
      ServiceTimeout: '120',
      UserPoolId: { Ref: logicalIdOf(userPool.node.defaultChild as any) },
      Attribute: 'custom:accessGroup',
    }]);
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [{
        PolicyName: 'UserPoolGuard',
        PolicyDocument: {
          Statement: [
            Match.objectLike({
              Action: ['cognito-idp:DescribeUserPool', 'cognito-idp:ListUserPoolClients', 'cognito-idp:DescribeUserPoolClient'],
              Resource: { 'Fn::GetAtt': [logicalIdOf(userPool.node.defaultChild as any), 'Arn'] },
            }),
            Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
          ],
        },
      }],
    });
    const attachment = Object.values(template.findResources('AWS::Cognito::IdentityPoolRoleAttachment'))[0];
    expect(attachment.DependsOn).toEqual(expect.arrayContaining([Object.keys(guards)[0]]));
  });

  test('an imported user pool and app client: nothing to check, the identity is made', () => {
    const stack = new Stack(new App(), 'Homes');
    const userPool = cognito.UserPool.fromUserPoolId(stack, 'Users', 'us-east-1_AbCdEf123');
    const userPoolClient = cognito.UserPoolClient.fromUserPoolClientId(stack, 'App', '1example23456789');
    const fleet = new CameraFleet(stack, 'Fleet');
    new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient });
    Template.fromStack(stack).hasResourceProperties('AWS::Cognito::IdentityPool', {
      CognitoIdentityProviders: [Match.objectLike({ ClientId: '1example23456789' })],
    });
  });
});

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
describe('ViewerIdentity, simulated', () => {
  const STACK = 'Homes';
  /** What the stand-in resolves the identity pool's Ref to: an identity pool id of REGION. */
  const IDENTITY_POOL_ID = `${REGION}:0f0e0d0c-0b0a-4909-8807-060504030201`;

  /** The calls of the official JS SDK viewer of a recorded channel (examples/app.js, viewer.js, channelHelper.js), on the channel. */
  const JS_SDK_VIEWER_CALLS = ['DescribeSignalingChannel', 'DescribeMediaStorageConfiguration', 'GetSignalingChannelEndpoint',
    'GetIceServerConfig', 'ConnectAsViewer', 'JoinStorageSessionAsViewer'].map(action => `kinesisvideo:${action}`);
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
    const stack = new Stack(app, STACK, { env: SIMULATED_ENV });
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
    Tags.of(loner).add(ACCESS_GROUP_TAG_KEY, 'smith');
    const viewers = new ViewerIdentity(stack, 'Viewers', { fleet: homes, userPool, userPoolClient, allowMaster: options.allowMaster });

    const template = Template.fromStack(stack).toJSON();
    const poolId = logicalIdOf(viewers.node.findChild('IdentityPool'));
    // The simulator knows no Cognito resource: the pool's Ref becomes a literal id.
    const resolved = JSON.parse(JSON.stringify(template).split(JSON.stringify({ Ref: poolId })).join(JSON.stringify(IDENTITY_POOL_ID)));
    const sim = new PolicySimulator([{ stackName: STACK, template: resolved }]);
    const resourceTagsOf = (construct: Stack | WebRtcIngestion, type: 'channel' | 'stream') => {
      const resource = type === 'channel' ? (construct as WebRtcIngestion).channel : (construct as WebRtcIngestion).stream;
      const tags: Array<{ Key: string; Value: unknown }> = sim.resource(STACK, logicalIdOf(resource)).Properties!.Tags ?? [];
      return Object.fromEntries(tags.filter(t => typeof t.Value === 'string').map(t => [`aws:ResourceTag/${t.Key}`, t.Value as string]));
    };
    const camera = (c: WebRtcIngestion): Camera => ({
      channel: { arn: sim.arnOf(STACK, logicalIdOf(c.channel)), tags: resourceTagsOf(c, 'channel') },
      stream: { arn: sim.arnOf(STACK, logicalIdOf(c.stream)), tags: resourceTagsOf(c, 'stream') },
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
  const KINESIS_VIDEO_ACTIONS = catalogueActions('kinesisvideo');
  const KMS_ACTIONS = catalogueActions('kms');

  const resourcesOf = (cameras: Camera[]) => cameras.flatMap(c => [c.channel, c.stream]);

  /** Every Kinesis Video resource the tests ask about, and `*`. */
  const EVERY_RESOURCE: Resource[] = [
    ...resourcesOf([smithPorch, smithGarden, jonesPorch, shed, otherSmith, loner]),
    ...resourcesOf([smithPorch, jonesPorch]).flatMap(elsewhere),
    { arn: '*', tags: {} },
  ];

  /** The session's principal tags: the user's access group, as Cognito maps it. */
  const sessionOf = (group: string | undefined): Record<string, string> => group === undefined ? {} : { [`aws:PrincipalTag/${ACCESS_GROUP_TAG_KEY}`]: group };

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
      const found = await sim.allowedCells(fixture.user, actions, [resource.arn], { ...resource.tags, ...sessionOf(group) },
        { strictContext: false });
      found.forEach(c => allowed.add(c));
      cells += actions.length;
    }
    return { allowed, cells };
  }

  const viewerCellsOn = (cameras: Camera[]) => new Set(cameras.flatMap(c => [
    ...FLEET_GRANTS.grantViewerByAccessGroup.channel!.map(a => cellKey(a, c.channel.arn)),
    ...[...FLEET_GRANTS.grantViewerByAccessGroup.stream!, ...FLEET_GRANTS.grantPlaybackByAccessGroup.stream!].map(a => cellKey(a, c.stream.arn)),
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
    expect(Object.keys(shed.channel.tags)).toEqual([`aws:ResourceTag/${FLEET_TAG_KEY}`]);
  });

  test('the group\'s tag on another fleet\'s camera, or on a camera outside any fleet, gives nothing', async () => {
    expect(otherSmith.channel.tags[`aws:ResourceTag/${ACCESS_GROUP_TAG_KEY}`]).toBe('smith');
    expect(loner.channel.tags[`aws:ResourceTag/${ACCESS_GROUP_TAG_KEY}`]).toBe('smith');
    expect(sorted((await allowedFor('smith', resourcesOf([otherSmith, loner]))).allowed)).toEqual([]);
  });

  test('KMS: on the fleet key the producer and the consumer action, nothing else of KMS on it or on another key', async () => {
    const actions = await KMS_ACTIONS;
    const allowed = await fixture.sim.allowedCells(fixture.user, actions, [fixture.keys.fleet, fixture.keys.other], sessionOf('smith'), { strictContext: false });
    const keyActions = [...FLEET_GRANTS.grantViewerByAccessGroup.key!, ...FLEET_GRANTS.grantPlaybackByAccessGroup.key!];
    expect(sorted(allowed)).toEqual(sorted(keyActions.map(a => cellKey(a, fixture.keys.fleet))));
  });

  test('allowMaster: the master set on the group\'s cameras too, still nothing elsewhere', async () => {
    const withMaster = buildFixture({ allowMaster: true });
    const own = [withMaster.cameras.smithPorch, withMaster.cameras.smithGarden];
    const everyResource = resourcesOf(Object.values(withMaster.cameras));
    const { allowed } = await allowedFor('smith', everyResource, withMaster.sim);
    const expected = new Set([
      ...viewerCellsOn(own),
      ...own.flatMap(c => FLEET_GRANTS.grantMasterByAccessGroup.channel!.map(a => cellKey(a, c.channel.arn))),
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
      expect(await trustDecision(fixture.role, principal, action, contextVariables)).toBe(expected);
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

});
