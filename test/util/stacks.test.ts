import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { logicalIdOf, newRole, newStack } from './stacks';

test('newStack: a stack of its own app, named TestStack unless given', () => {
  const a = newStack();
  const b = newStack('Other', { env: { account: '111111111111', region: 'eu-west-1' } });
  expect(a.stackName).toBe('TestStack');
  expect(b.stackName).toBe('Other');
  expect(b.account).toBe('111111111111');
  expect(a.node.root).not.toBe(b.node.root);
  const app = new App();
  expect(newStack('InApp', undefined, app).node.root).toBe(app);
});

test('newRole: assumable by the account unless told otherwise, with no policy', () => {
  const stack = newStack();
  newRole(stack);
  newRole(stack, 'Service', new iam.ServicePrincipal('lambda.amazonaws.com'));
  const template = Template.fromStack(stack);
  const roles = Object.values(template.findResources('AWS::IAM::Role'));
  expect(roles.map(r => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal)).toEqual([
    { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
    { Service: 'lambda.amazonaws.com' },
  ]);
  expect(roles.every(r => r.Properties.Policies === undefined && r.Properties.ManagedPolicyArns === undefined)).toBe(true);
});

describe('logicalIdOf', () => {
  test('of a construct (its default child) and of a CloudFormation element: the id in the template', () => {
    const stack = newStack();
    const role = newRole(new Construct(stack, 'Nested'), 'Role');
    const element = new CfnResource(stack, 'Raw', { type: 'Test::Thing' });
    const ids = Object.keys(Template.fromStack(stack).toJSON().Resources);
    expect(ids).toContain(logicalIdOf(role));
    expect(logicalIdOf(role)).toMatch(/^NestedRole[0-9A-F]{8}$/);
    expect(logicalIdOf(element)).toBe('Raw');
  });

  test('follows overrideLogicalId', () => {
    const stack = newStack();
    const role = newRole(stack);
    (role.node.defaultChild as iam.CfnRole).overrideLogicalId('Renamed');
    expect(logicalIdOf(role)).toBe('Renamed');
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources)).toEqual(['Renamed']);
  });

  test('throws for a construct without a CloudFormation element', () => {
    expect(() => logicalIdOf(new Construct(new Stack(), 'Empty'))).toThrow(/Empty has no CloudFormation element/);
  });
});
