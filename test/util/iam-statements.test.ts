import { actionsOn, allActions, identityPolicies, identityPolicyStatements, normalizeStatement, sorted, statementsForService, statementsOfPrincipal } from './iam-statements';
import { getAttArn } from './intrinsics';
import { CfnTemplate } from './templates';

const statement = (action: string | string[], resource: unknown) => ({ Effect: 'Allow', Action: action, Resource: resource });
const document = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });

/** Every way a statement applies to a principal, and two that do not. */
const TEMPLATE: CfnTemplate = {
  Resources: {
    Role: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyName: 'own', PolicyDocument: document(statement('kinesisvideo:ConnectAsMaster', getAttArn('Channel'))) }] } },
    User: { Type: 'AWS::IAM::User', Properties: { ManagedPolicyArns: [{ Ref: 'Listed' }] } },
    Attached: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: 'Role' }, 'a-role-by-name'],
        Users: [{ Ref: 'User' }],
        PolicyDocument: document(statement(['kinesisvideo:PutMedia', 'kms:GenerateDataKey'], [getAttArn('Stream'), getAttArn('Key')])),
      },
    },
    Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: document(statement('kinesisvideo:GetMedia', getAttArn('Stream'))) } },
    Listed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: document(statement('kinesisvideo:ListStreams', '*')) } },
    Unattached: { Type: 'AWS::IAM::Policy', Properties: { Groups: [{ Ref: 'Group' }], PolicyDocument: document(statement('kinesisvideo:DeleteStream', '*')) } },
    Group: { Type: 'AWS::IAM::Group' },
  },
};

describe('identityPolicies', () => {
  test('inline policies first, then policy resources in template order, with whom each applies to', () => {
    expect(identityPolicies(TEMPLATE).map(p => ({ source: p.source, principals: p.principals, others: p.otherAttachments }))).toEqual([
      { source: 'Role', principals: ['Role'], others: [] },
      { source: 'Attached', principals: ['Role', 'User'], others: ['a-role-by-name'] },
      { source: 'Managed', principals: ['Role'], others: [] },
      { source: 'Listed', principals: ['User'], others: [] },
      { source: 'Unattached', principals: [], others: [{ Ref: 'Group' }] },
    ]);
  });

  test('identityPolicyStatements: each statement as written, with its policy', () => {
    const found = identityPolicyStatements(TEMPLATE);
    expect(found.map(s => [s.policy.source, s.statement.Action])).toEqual([
      ['Role', 'kinesisvideo:ConnectAsMaster'],
      ['Attached', ['kinesisvideo:PutMedia', 'kms:GenerateDataKey']],
      ['Managed', 'kinesisvideo:GetMedia'],
      ['Listed', 'kinesisvideo:ListStreams'],
      ['Unattached', 'kinesisvideo:DeleteStream'],
    ]);
  });
});

describe('statementsOfPrincipal', () => {
  test('a role: its inline policy, then attached and managed policies, in normal form', () => {
    expect(statementsOfPrincipal(TEMPLATE, 'Role')).toEqual([
      { effect: 'Allow', actions: ['kinesisvideo:ConnectAsMaster'], resources: [getAttArn('Channel')], condition: undefined, source: 'Role' },
      {
        effect: 'Allow',
        actions: ['kinesisvideo:PutMedia', 'kms:GenerateDataKey'],
        resources: [getAttArn('Stream'), getAttArn('Key')],
        condition: undefined,
        source: 'Attached',
      },
      { effect: 'Allow', actions: ['kinesisvideo:GetMedia'], resources: [getAttArn('Stream')], condition: undefined, source: 'Managed' },
    ]);
  });

  test('a user: attached by Users and by ManagedPolicyArns', () => {
    expect(statementsOfPrincipal(TEMPLATE, 'User').map(s => s.source)).toEqual(['Attached', 'Listed']);
  });

  test('throws for anything but a role or user of the template', () => {
    expect(() => statementsOfPrincipal(TEMPLATE, 'Group')).toThrow("no IAM role or user 'Group' in the template");
    expect(() => statementsOfPrincipal(TEMPLATE, 'Nope')).toThrow("no IAM role or user 'Nope' in the template");
  });

  test.each(['NotAction', 'NotResource', 'NotPrincipal'])('a statement with %s throws', (key) => {
    expect(() => normalizeStatement({ Effect: 'Allow', [key]: 'x' }, 'Policy')).toThrow(`unexpected ${key} in a statement of Policy`);
  });
});

describe('selecting from statements', () => {
  const statements = statementsOfPrincipal(TEMPLATE, 'Role');

  test('statementsForService: any action of the service, case-insensitively', () => {
    expect(statementsForService(statements, 'KMS').map(s => s.source)).toEqual(['Attached']);
    expect(statementsForService(statements, 'kinesisvideo')).toHaveLength(3);
    expect(statementsForService(statements, 'logs')).toEqual([]);
  });

  test('allActions and actionsOn (the union on one resource, sorted, each once)', () => {
    expect(allActions(statements)).toEqual(['kinesisvideo:ConnectAsMaster', 'kinesisvideo:PutMedia', 'kms:GenerateDataKey', 'kinesisvideo:GetMedia']);
    expect(actionsOn(statements, getAttArn('Stream'))).toEqual(['kinesisvideo:GetMedia', 'kinesisvideo:PutMedia', 'kms:GenerateDataKey']);
    expect(actionsOn(statements, '*')).toEqual([]);
  });

  test('sorted: a sorted copy', () => {
    const values = ['b', 'a'];
    expect(sorted(values)).toEqual(['a', 'b']);
    expect(values).toEqual(['b', 'a']);
  });
});
