/**
 * ViewerIdentity and the access groups of CameraFleet, by template: the tag on each camera's
 * channel and stream, the identity pool for authenticated users only, the principal-tag mapping,
 * the role attachment, and the refusals at synthesis (guests, bad tag values, an app client whose
 * users could write their own access group or whose tokens would not carry it). What the policies
 * allow is proven by simulation in grants.test.ts.
 */
import { App, Stack, Tags, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CameraFleet, ViewerIdentity } from '../src';
import { errorOf, expectValidationError } from './util/errors';
import { logicalIdOf } from './util/stacks';
import { ACCESS_GROUP_TAG_KEY as GROUP_TAG } from '../src/private/tags-and-quotas';


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
      expect(tagsOf(stack, type, 'gate')[GROUP_TAG]).toBe('site-1');
      expect(tagsOf(stack, type, 'yard')[GROUP_TAG]).toBe('Smith family: Ünsal/2 @home+=');
      expect(tagsOf(stack, type, 'shed')).not.toHaveProperty([GROUP_TAG]);
    }
  });

  test('a user\'s tag of the same key elsewhere does not move a camera to another group', () => {
    const stack = new Stack(new App(), 'Homes');
    const fleet = new CameraFleet(stack, 'Fleet');
    fleet.addCamera('gate', { accessGroup: 'smith' });
    Tags.of(stack).add(GROUP_TAG, 'jones');
    expect(tagsOf(stack, 'AWS::KinesisVideo::SignalingChannel', 'gate')[GROUP_TAG]).toBe('smith');
    expect(tagsOf(stack, 'AWS::KinesisVideo::Stream', 'gate')[GROUP_TAG]).toBe('smith');
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
    expect(tagsOf(stack, 'AWS::KinesisVideo::Stream', 'token')[GROUP_TAG]).toEqual({ Ref: 'Group' });
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
      PrincipalTags: { [GROUP_TAG]: 'custom:accessGroup' },
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

    test('a second client that may write the attribute, added after the identity, is refused at synthesis', () => {
      const { stack, userPool, userPoolClient, fleet } = setup(viewing);
      new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient });
      userPool.addClient('Admin', { writeAttributes: new cognito.ClientAttributes().withCustomAttributes('accessGroup') });
      const error = synthError(stack);
      expectValidationError(new Error(error.message.replace(/^[\s\S]*?invalid /, 'invalid ')), 'userPool', 'custom:accessGroup');
      expect(error.message).toContain("app client 'Homes/Users/Admin'");
      expect(error.message).toContain('writeAttributes: custom:accessGroup');
      expect(error.message).toContain('give that client writeAttributes without it');
      expect(error.message).toContain("in 'Homes/Viewers'");
    });

    test('a second client without writeAttributes (which may write every attribute) is refused at synthesis, in another stack too', () => {
      const { stack, userPool, userPoolClient, fleet } = setup(viewing);
      new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient });
      const other = new Stack(stack.node.root as App, 'Backoffice');
      new cognito.UserPoolClient(other, 'Console', { userPool });
      const error = synthError(stack);
      expect(error.message).toContain("app client 'Backoffice/Console'");
      expect(error.message).toContain('no writeAttributes: a client without them may write every user attribute, custom ones included');
      expect(error.message).toContain('new cognito.ClientAttributes().withStandardAttributes({ email: true })');
    });

    test('the viewing client without writeAttributes is refused at once, with its path and the fix', () => {
      const { stack, userPool, userPoolClient, fleet } = setup({ readAttributes: viewing.readAttributes });
      const error = errorOf(() => new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient }));
      expectValidationError(error, 'userPoolClient', 'custom:accessGroup');
      expect(error.message).toContain("app client 'Homes/Users/App'");
      expect(error.message).toContain('no writeAttributes');
      expect(error.message).toContain('give that client writeAttributes without it');
    });

    test('a second client that may not write it, and clients of another pool, pass', () => {
      const { stack, userPool, userPoolClient, fleet } = setup(viewing);
      new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient });
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
      expect(error.message).toContain("user pool 'Homes/Users' has no custom attribute 'accessGroup' (custom attributes: none)");
      expect(error.message).toContain('customAttributes: { accessGroup: new cognito.StringAttribute({ mutable: true }) }');
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
