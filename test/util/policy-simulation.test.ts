/**
 * The simulator must resolve what it claims to, refuse what it cannot, and be able to say
 * "allowed" (a simulator that denies everything would pass every "denied" of the proofs).
 */
import { App, Stack } from 'aws-cdk-lib';
import {
  ACCOUNT,
  cellKey,
  cells,
  CfnTemplate,
  covers,
  expectedCells,
  FOREIGN_ACCOUNT,
  PolicySimulator,
  readable,
  REGION,
  SIMULATED_ENV,
} from './policy-simulation';

describe('PolicySimulator', () => {
  const sub = (s: string) => ({ 'Fn::Sub': s });
  const template: CfnTemplate = {
    Resources: {
      Channel: { Type: 'AWS::KinesisVideo::SignalingChannel', Properties: { Name: 'ch' } },
      Stream: { Type: 'AWS::KinesisVideo::Stream', Properties: {} },
      Role: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyName: 'inline', PolicyDocument: policy('kinesisvideo:ConnectAsMaster', { 'Fn::GetAtt': ['Channel', 'Arn'] }) }] } },
      Attached: {
        Type: 'AWS::IAM::Policy',
        Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: policy('kinesisvideo:PutMedia', { 'Fn::GetAtt': 'Stream.Arn' }) },
      },
      Managed: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { PolicyDocument: policy('kinesisvideo:DescribeStream', sub('arn:${AWS::Partition}:kinesisvideo:${AWS::Region}:${AWS::AccountId}:stream/${Stream}/*')) },
      },
      ManagedByRoles: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { Roles: [{ Ref: 'Other' }], PolicyDocument: policy('kinesisvideo:GetMedia', '*') },
      },
      Other: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: [{ Ref: 'Managed' }] } },
      WithAwsManaged: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] } },
    },
  };
  function policy(action: string, resource: unknown) {
    return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] };
  }
  const sim = new PolicySimulator([{ stackName: 'S', template }]);
  const channelArn = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/ch/1700000000000`;
  const streamArn = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/Stream/1700000000001`;

  test('refuses a stack without the explicit environment, accepts one with SIMULATED_ENV', () => {
    expect(() => PolicySimulator.fromStacks(new Stack(new App(), 'NoEnv'))).toThrow(/must be created with env/);
    expect(PolicySimulator.fromStacks(new Stack(new App(), 'WithEnv', { env: SIMULATED_ENV })).template('WithEnv')).toBeDefined();
  });

  test('arnTarget: the resource of a GetAtt Arn, directly or through an export; nothing for anything else', () => {
    const app = new PolicySimulator([
      { stackName: 'S', template },
      {
        stackName: 'Producer',
        template: {
          Resources: { Channel: { Type: 'AWS::KinesisVideo::SignalingChannel' } },
          Outputs: { Out: { Value: { 'Fn::GetAtt': ['Channel', 'Arn'] }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}:ChannelArn' } } } },
        },
      },
    ]);
    expect(app.arnTarget('S', { 'Fn::GetAtt': ['Channel', 'Arn'] })).toEqual({ stackName: 'S', logicalId: 'Channel' });
    expect(app.arnTarget('S', { 'Fn::ImportValue': 'Producer:ChannelArn' })).toEqual({ stackName: 'Producer', logicalId: 'Channel' });
    expect(app.arnTarget('S', channelArn)).toBeUndefined();
    expect(app.arnTarget('S', sub('arn:${AWS::Partition}:kinesisvideo:*'))).toBeUndefined();
    expect(app.arnTarget('S', { 'Fn::GetAtt': ['Channel', 'Name'] })).toBeUndefined();
    expect(() => app.arnTarget('S', { 'Fn::GetAtt': ['Nope', 'Arn'] })).toThrow(/no resource Nope/);
    expect(() => app.arnTarget('S', { 'Fn::ImportValue': 'Nope' })).toThrow(/no stack exports it/);
  });

  test('resolves pseudo parameters, GetAtt, Join, Select, Split and Sub', () => {
    expect(sim.arnOf('S', 'Channel')).toBe(channelArn);
    expect(sim.arnOf('S', 'Stream')).toBe(streamArn);
    expect(sim.resolve('S', { 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['Channel', 'Arn'] }] }] })).toBe('ch');
    expect(sim.resolve('S', { 'Fn::Join': ['-', [{ Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, { Ref: 'AWS::URLSuffix' }]] }))
      .toBe(`${REGION}-${ACCOUNT}-amazonaws.com`);
    expect(sim.resolve('S', { 'Fn::Sub': ['${X}:${Channel.Arn}:${!Literal}', { X: { Ref: 'AWS::StackName' } }] })).toBe(`S:${channelArn}:\${Literal}`);
    expect(sim.resolve('S', { Ref: 'AWS::StackId' })).toBe(sim.stackId('S'));
  });

  test.each([
    ['Fn::If', { 'Fn::If': ['C', 'a', 'b'] }],
    ['a parameter', { Ref: 'SomeParameter' }],
    ['an attribute other than Arn', { 'Fn::GetAtt': ['Channel', 'Name'] }],
    ['an unknown export', { 'Fn::ImportValue': 'Nope' }],
    ['a select out of range', { 'Fn::Select': [3, ['a']] }],
  ])('throws on %s', (_what, value) => {
    expect(() => sim.resolve('S', value)).toThrow(/cannot resolve/);
  });

  test('gathers inline, attached and managed policies; refuses an unknown AWS-managed policy', () => {
    expect(sim.identityPolicies({ stackName: 'S', logicalId: 'Role' }).map((p) => p.name)).toEqual(['S/Role/inline/inline', 'S/Attached']);
    expect(sim.identityPolicies({ stackName: 'S', logicalId: 'Other' }).map((p) => p.name).sort()).toEqual(['S/Managed', 'S/ManagedByRoles']);
    expect(() => sim.identityPolicies({ stackName: 'S', logicalId: 'WithAwsManaged' })).toThrow(/managed policy .*AdministratorAccess/);
  });

  test('can allow, deny, flag a grant on the wrong resource type, and refuses a dropped context key', async () => {
    const role = { stackName: 'S', logicalId: 'Role' };
    const other = { stackName: 'S', logicalId: 'Other' };
    expect((await sim.evaluate({ principal: role, action: 'kinesisvideo:ConnectAsMaster', resource: channelArn })).allowed).toBe(true);
    expect((await sim.evaluate({ principal: role, action: 'kinesisvideo:ConnectAsViewer', resource: channelArn })).allowed).toBe(false);
    expect((await sim.evaluate({ principal: other, action: 'kinesisvideo:DescribeStream', resource: streamArn })).allowed).toBe(true);
    // GetMedia on '*': on any stream, and literally (though it never applies) on a channel.
    expect((await sim.evaluate({ principal: other, action: 'kinesisvideo:GetMedia', resource: streamArn })).allowed).toBe(true);
    expect(await sim.evaluate({ principal: other, action: 'kinesisvideo:GetMedia', resource: channelArn }))
      .toEqual(expect.objectContaining({ applicable: false, allowed: true }));
    const foreign = await sim.evaluate({ principal: other, action: 'kinesisvideo:GetMedia', resource: streamArn.replace(ACCOUNT, FOREIGN_ACCOUNT) });
    expect(foreign).toEqual(expect.objectContaining({ crossAccount: true, allowed: false, identityAllowed: true }));
    await expect(sim.evaluate({ principal: role, action: 'kinesisvideo:ConnectAsMaster', resource: channelArn, context: { 'kinesisvideo:NoSuchKey': 'x' } }))
      .rejects.toThrow(/ignored context keys/);
  });
});

describe('expected cells', () => {
  const channel = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/ch/1700000000000`;
  const otherChannel = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/other/1700000000000`;
  const anyChannel = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/*`;
  const actions = ['kinesisvideo:ConnectAsMaster', 'kinesisvideo:ConnectAsViewer'];

  test('cells: each action on the ARN', () => {
    expect(cells(actions, channel)).toEqual([['kinesisvideo:ConnectAsMaster', channel], ['kinesisvideo:ConnectAsViewer', channel]]);
  });

  test('covers: a concrete request must match the grant; a pattern request overlaps it', () => {
    expect(covers(channel, anyChannel)).toBe(true);
    expect(covers(channel, otherChannel)).toBe(false);
    expect(covers(anyChannel, channel)).toBe(true);
    expect(covers('*', channel)).toBe(true);
    expect(covers(`arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/*`, channel)).toBe(false);
  });

  test('expectedCells: every probed cell a grant covers, and no other', () => {
    const expected = expectedCells(cells(['kinesisvideo:ConnectAsMaster'], channel), actions, [channel, otherChannel, anyChannel]);
    expect([...expected].sort()).toEqual([cellKey('kinesisvideo:ConnectAsMaster', anyChannel), cellKey('kinesisvideo:ConnectAsMaster', channel)]);
  });

  test('expectedCells: a grant the matrix cannot see throws', () => {
    expect(() => expectedCells([['kinesisvideo:NoSuchAction', channel]], actions, [channel])).toThrow(/NoSuchAction is not in the IAM catalogue/);
    expect(() => expectedCells([['kinesisvideo:ConnectAsMaster', channel]], actions, [otherChannel])).toThrow(/is not probed/);
  });

  test('readable: labelled, sorted', () => {
    const set = new Set([cellKey('b:Y', channel), cellKey('a:X', otherChannel)]);
    expect(readable(set, { 'the channel': channel })).toEqual([`a:X on ${otherChannel}`, 'b:Y on the channel']);
  });
});
