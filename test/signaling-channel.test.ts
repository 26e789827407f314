import { App, CfnOutput, CfnParameter, Duration, PhysicalName, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnSignalingChannel } from 'aws-cdk-lib/aws-kinesisvideo';
import {
  INGESTION_MASTER_CHANNEL_ACTIONS,
  INGESTION_VIEWER_CHANNEL_ACTIONS,
  P2P_MASTER_CHANNEL_ACTIONS,
  P2P_VIEWER_CHANNEL_ACTIONS,
} from './expected-grants';
import { ISignalingChannel, SignalingChannel } from '../src';
import { describeSimulatedGrants } from './util/building-block-simulation';
import { errorOf, expectValidationError } from './util/errors';
import { describeGrantCatalogue } from './util/grant-catalogue';
import { sorted, statementsOfPrincipal } from './util/iam-statements';
import { getAttArn, intrinsicOf, resolveWithParameters } from './util/intrinsics';
import { logicalIdOf, newRole, newStack } from './util/stacks';
import { importedValue } from './util/templates';

const CHANNEL_ARN = 'arn:aws:kinesisvideo:eu-west-1:123456789012:channel/front-door/1700000000000';

/** The role's one statement: its actions (sorted) and resources. */
function onlyStatement(stack: Stack, role: iam.Role): { actions: string[]; resources: unknown[] } {
  const statements = statementsOfPrincipal(Template.fromStack(stack), logicalIdOf(role));
  expect(statements).toHaveLength(1);
  expect(statements[0].effect).toBe('Allow');
  expect(statements[0].condition).toBeUndefined();
  return { actions: sorted(statements[0].actions), resources: statements[0].resources };
}

describe('SignalingChannel', () => {
  test('defaults: SINGLE_MASTER, 60 s TTL, no name, no tags, deleted with the stack', () => {
    const stack = newStack();
    new SignalingChannel(stack, 'Channel');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KinesisVideo::SignalingChannel', 1);
    template.hasResource('AWS::KinesisVideo::SignalingChannel', {
      Properties: Match.objectEquals({ Type: 'SINGLE_MASTER', MessageTtlSeconds: 60 }),
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  test('a plain channel creates no link, no provider, no stream', () => {
    const stack = newStack();
    new SignalingChannel(stack, 'Channel');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KinesisVideo::Stream', 0);
    template.resourceCountIs('Custom::KinesisVideoMediaStorageLink', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.resourceCountIs('AWS::IAM::Role', 0);
  });

  test('signalingChannelName sets Name', () => {
    const stack = newStack();
    new SignalingChannel(stack, 'Channel', { signalingChannelName: 'front-door' });
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::SignalingChannel', Match.objectEquals({
      Name: 'front-door',
      Type: 'SINGLE_MASTER',
      MessageTtlSeconds: 60,
    }));
  });

  test.each([
    [Duration.seconds(5), 5],
    [Duration.seconds(30), 30],
    [Duration.minutes(2), 120],
  ])('messageTtl %s sets MessageTtlSeconds %d', (ttl, seconds) => {
    const stack = newStack();
    new SignalingChannel(stack, 'Channel', { messageTtl: ttl });
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { MessageTtlSeconds: seconds });
  });

  test('PhysicalName.GENERATE_IF_NEEDED in one environment: synthesizes, and CloudFormation names the channel', () => {
    const stack = newStack('Stack', { env: { account: '111111111111', region: 'us-east-1' } });
    const channel = new SignalingChannel(stack, 'Channel', { signalingChannelName: PhysicalName.GENERATE_IF_NEEDED });
    channel.grantMaster(new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() }));
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::SignalingChannel', {
      Name: Match.absent(),
      Type: 'SINGLE_MASTER',
    });
  });

  test.each([
    ['removalPolicy RETAIN', RemovalPolicy.RETAIN, 'Retain'],
    ['removalPolicy DESTROY, same as the default', RemovalPolicy.DESTROY, 'Delete'],
  ])('%s', (_, removalPolicy, policy) => {
    const stack = newStack();
    new SignalingChannel(stack, 'Channel', { removalPolicy });
    Template.fromStack(stack).hasResource('AWS::KinesisVideo::SignalingChannel', { DeletionPolicy: policy, UpdateReplacePolicy: policy });
  });

  test('node.defaultChild is the CfnSignalingChannel', () => {
    const stack = newStack();
    const channel = new SignalingChannel(stack, 'Channel');
    expect(channel.node.defaultChild).toBeInstanceOf(CfnSignalingChannel);
    const cfn = channel.node.defaultChild as CfnSignalingChannel;
    expect(cfn.type).toBe('SINGLE_MASTER');
    // an escape hatch on the L1 shows in the template
    cfn.messageTtlSeconds = 10;
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { MessageTtlSeconds: 10 });
  });

  test('Tags.of(...) adds tags', () => {
    const stack = newStack();
    const channel = new SignalingChannel(stack, 'Channel');
    Tags.of(channel).add('team', 'video');
    Tags.of(stack).add('env', 'test');
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::SignalingChannel', {
      Tags: Match.arrayEquals([
        { Key: 'env', Value: 'test' },
        { Key: 'team', Value: 'video' },
      ]),
    });
  });

  test('attributes resolve to the resource', () => {
    const stack = newStack();
    const channel = new SignalingChannel(stack, 'Channel', { signalingChannelName: 'front-door' });
    const id = logicalIdOf(channel);
    expect(stack.resolve(channel.signalingChannelArn)).toEqual(getAttArn(id));
    expect(stack.resolve(channel.signalingChannelName)).toEqual({ Ref: id });
  });
});

describe('SignalingChannel grants', () => {
  let stack: Stack;
  let channel: SignalingChannel;
  let role: iam.Role;
  beforeEach(() => {
    stack = newStack();
    channel = new SignalingChannel(stack, 'Channel');
    role = newRole(stack);
  });

  test('grant(grantee, ...actions): exactly the given actions on the channel', () => {
    channel.grant(role, 'kinesisvideo:UpdateSignalingChannel', 'kinesisvideo:TagResource');
    expect(onlyStatement(stack, role)).toEqual({ actions: ['kinesisvideo:TagResource', 'kinesisvideo:UpdateSignalingChannel'], resources: [getAttArn(logicalIdOf(channel))] });
  });

  test('grant with a single action renders it as a string', () => {
    channel.grant(role, 'kinesisvideo:DescribeSignalingChannel');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [Match.objectEquals({
          Action: 'kinesisvideo:DescribeSignalingChannel',
          Effect: 'Allow',
          Resource: getAttArn(logicalIdOf(channel)),
        })],
      },
    });
  });

});

describe('SignalingChannel imports', () => {
  test('fromSignalingChannelArn with a literal ARN: name parsed, env from the ARN, grants on the ARN', () => {
    const stack = newStack();
    const imported: ISignalingChannel = SignalingChannel.fromSignalingChannelArn(stack, 'Imported', CHANNEL_ARN);
    expect(imported.signalingChannelArn).toBe(CHANNEL_ARN);
    expect(imported.signalingChannelName).toBe('front-door');
    expect(imported.env).toEqual({ account: '123456789012', region: 'eu-west-1' });

    const role = newRole(stack);
    imported.grantMaster(role);
    expect(onlyStatement(stack, role)).toEqual({ actions: sorted(P2P_MASTER_CHANNEL_ACTIONS), resources: [CHANNEL_ARN] });
    Template.fromStack(stack).resourceCountIs('AWS::KinesisVideo::SignalingChannel', 0);
  });

  test('fromSignalingChannelAttributes with a literal ARN in another partition', () => {
    const stack = newStack();
    const arn = 'arn:aws-cn:kinesisvideo:cn-north-1:210987654321:channel/lobby_cam.1/1234';
    const imported = SignalingChannel.fromSignalingChannelAttributes(stack, 'Imported', { signalingChannelArn: arn });
    expect(imported.signalingChannelName).toBe('lobby_cam.1');
    expect(imported.env).toEqual({ account: '210987654321', region: 'cn-north-1' });
    const role = newRole(stack);
    imported.grantStorageSessionViewer(role);
    expect(onlyStatement(stack, role)).toEqual({ actions: sorted(INGESTION_VIEWER_CHANNEL_ACTIONS), resources: [arn] });
  });

  test.each([
    ['grantMaster', sorted(P2P_MASTER_CHANNEL_ACTIONS)],
    ['grantViewer', sorted(P2P_VIEWER_CHANNEL_ACTIONS)],
    ['grantStorageSessionMaster', sorted(INGESTION_MASTER_CHANNEL_ACTIONS)],
    ['grantStorageSessionViewer', sorted(INGESTION_VIEWER_CHANNEL_ACTIONS)],
  ] as const)('imported %s grants the same actions as the L2', (method, actions) => {
    const stack = newStack();
    const imported = SignalingChannel.fromSignalingChannelArn(stack, 'Imported', CHANNEL_ARN);
    const role = newRole(stack);
    imported[method](role);
    expect(onlyStatement(stack, role)).toEqual({ actions, resources: [CHANNEL_ARN] });
  });

  test('fromSignalingChannelAttributes with a token ARN: grants on the token, name parsed by CloudFormation', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'ChannelArn', { type: 'String' }).valueAsString;
    const imported = SignalingChannel.fromSignalingChannelAttributes(stack, 'Imported', { signalingChannelArn: arn });
    expect(Token.isUnresolved(imported.signalingChannelName)).toBe(true);
    expect(resolveWithParameters(stack.resolve(imported.signalingChannelName), { ChannelArn: CHANNEL_ARN })).toBe('front-door');
    // env of a token ARN is parsed from it by CloudFormation too
    expect(resolveWithParameters(stack.resolve(imported.env.account), { ChannelArn: CHANNEL_ARN })).toBe('123456789012');
    expect(resolveWithParameters(stack.resolve(imported.env.region), { ChannelArn: CHANNEL_ARN })).toBe('eu-west-1');

    const role = newRole(stack);
    imported.grantViewer(role);
    expect(onlyStatement(stack, role)).toEqual({ actions: sorted(P2P_VIEWER_CHANNEL_ACTIONS), resources: [{ Ref: 'ChannelArn' }] });
  });

  test('fromSignalingChannelArn with a GetAtt of a channel in another stack', () => {
    const app = new App();
    const producer = new Stack(app, 'Producer');
    const consumer = new Stack(app, 'Consumer');
    const channel = new SignalingChannel(producer, 'Channel');
    const imported = SignalingChannel.fromSignalingChannelArn(consumer, 'Imported', channel.signalingChannelArn);
    const role = newRole(consumer);
    imported.grantMaster(role);
    const statement = onlyStatement(consumer, role);
    expect(statement.actions).toEqual(sorted(P2P_MASTER_CHANNEL_ACTIONS));
    expect(statement.resources).toHaveLength(1);
    expect(importedValue(statement.resources[0], [Template.fromStack(producer)])).toEqual(getAttArn(logicalIdOf(channel)));
    const exportName = intrinsicOf(statement.resources[0])!.arg as string;
    // the name is parsed by CloudFormation from the imported ARN
    expect(JSON.stringify(consumer.resolve(imported.signalingChannelName))).toContain(exportName);
  });

  test.each([
    ['a stream ARN', 'arn:aws:kinesisvideo:eu-west-1:123456789012:stream/front-door/1700000000000'],
    ['another service', 'arn:aws:kinesis:eu-west-1:123456789012:channel/front-door/1700000000000'],
    ['no creation time', 'arn:aws:kinesisvideo:eu-west-1:123456789012:channel/front-door'],
    ['a bad account', 'arn:aws:kinesisvideo:eu-west-1:1234:channel/front-door/1700000000000'],
    ['a name', 'front-door'],
  ])('an invalid literal ARN (%s) throws naming signalingChannelArn', (_name, arn) => {
    const stack = newStack();
    expect(() => SignalingChannel.fromSignalingChannelArn(stack, 'Imported', arn)).toThrow(/invalid signalingChannelArn/);
    expect(() => SignalingChannel.fromSignalingChannelAttributes(stack, 'Imported2', { signalingChannelArn: arn }))
      .toThrow(/invalid signalingChannelArn/);
  });
});

describe('SignalingChannel used from another environment', () => {
  const ACCOUNT = '111111111111';
  function stacks(consumerProps: { crossRegionReferences?: boolean } = {}) {
    const app = new App();
    const roles = new Stack(app, 'Roles', { env: { account: ACCOUNT, region: 'us-east-1' }, ...consumerProps });
    const media = new Stack(app, 'Media', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    return { app, roles, media, role: newRole(roles) };
  }

  test('unnamed, granted to a role of another region: refused at the grant, naming signalingChannelName and warning of the replacement', () => {
    const { media, role } = stacks();
    const channel = new SignalingChannel(media, 'Intercom');
    const error = errorOf(() => channel.grantMaster(role));
    expectValidationError(error, 'signalingChannelName', "'Media/Intercom'");
    expect(error.message).toMatch(/another environment/);
    expect(error.message).toMatch(/replaces it/);
  });

  test('unnamed, its name used in a stack of another region: refused at synthesis', () => {
    const { app, roles, media } = stacks();
    const channel = new SignalingChannel(media, 'Intercom');
    new CfnOutput(roles, 'Name', { value: channel.signalingChannelName });
    // aws-cdk wraps the error at synthesis ("Resolution error: ..."): the library's message is inside
    expect(() => app.synth()).toThrow(/invalid signalingChannelName: signaling channel 'Media\/Intercom' is used from another environment/);
  });

  test('PhysicalName.GENERATE_IF_NEEDED still works: CDK generates the name, the grant names it', () => {
    const { roles, media, role } = stacks();
    const channel = new SignalingChannel(media, 'Intercom', { signalingChannelName: PhysicalName.GENERATE_IF_NEEDED });
    channel.grantMaster(role);
    const name = Template.fromStack(media).toJSON().Resources[logicalIdOf(channel)].Properties.Name;
    expect(name).toMatch(/^[a-z0-9_.-]+$/);
    expect(JSON.stringify(Template.fromStack(roles).toJSON())).toContain(`:kinesisvideo:eu-west-1:${ACCOUNT}:channel/${name}/*`);
  });

  test('unnamed, granted to a role of another stack of the same environment: fine, still named by CloudFormation', () => {
    const app = new App();
    const env = { account: ACCOUNT, region: 'eu-west-1' };
    const roles = new Stack(app, 'Roles', { env });
    const media = new Stack(app, 'Media', { env });
    const channel = new SignalingChannel(media, 'Intercom');
    channel.grantMaster(newRole(roles));
    expect(() => app.synth()).not.toThrow();
    Template.fromStack(media).hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: Match.absent() });
  });

  test('unnamed, granted across regions through crossRegionReferences: fine, the real ARN travels', () => {
    const { media, role } = stacks({ crossRegionReferences: true });
    const channel = new SignalingChannel(media, 'Intercom');
    expect(() => channel.grantMaster(role)).not.toThrow();
    Template.fromStack(media).hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: Match.absent() });
  });
});

// What each grant allows, by the action catalogue and by simulation (./util/grant-catalogue, ./util/building-block-simulation).
describeGrantCatalogue('SignalingChannel');
describeSimulatedGrants('channel');
