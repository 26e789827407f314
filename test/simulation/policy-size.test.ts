import { rolePolicySizes } from './policy-size';
import { getAttArn } from '../util/intrinsics';
import { CfnTemplate } from '../util/templates';

const document = (resource: unknown) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kinesisvideo:PutMedia', Resource: resource }] });
/** The size IAM counts for a document whose resource is `arn`. */
const sizeWith = (arn: string) => JSON.stringify(document(arn)).length;

const WORST_STREAM = `arn:aws-us-gov:kinesisvideo:ap-southeast-2:123456789012:stream/${'n'.repeat(128)}/1700000000000`;

describe('rolePolicySizes', () => {
  test('inline policies add up; each managed policy counts alone; references take their longest value', () => {
    const template: CfnTemplate = {
      Resources: {
        Stream: { Type: 'AWS::KinesisVideo::Stream' },
        Named: { Type: 'AWS::KinesisVideo::Stream', Properties: { Name: 'front-door' } },
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Policies: [{ PolicyName: 'own', PolicyDocument: document(getAttArn('Stream')) }],
            ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', { Ref: 'Listed' }],
          },
        },
        Attached: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: document(getAttArn('Named')) } },
        Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: document({ 'Fn::Sub': 'arn:${AWS::Partition}:x' }) } },
        Listed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: document({ 'Fn::ImportValue': 'Elsewhere' }) } },
        Bare: { Type: 'AWS::IAM::Role' },
      },
    };
    expect(rolePolicySizes(template)).toEqual({
      Role: {
        inlineChars: sizeWith(WORST_STREAM) + sizeWith(WORST_STREAM.replace('n'.repeat(128), 'front-door')),
        managedChars: {
          'Managed': sizeWith('arn:aws-us-gov:x'),
          'Listed': sizeWith(`arn:aws-us-gov:kinesisvideo:ap-southeast-2:123456789012:channel/${'n'.repeat(128)}/1700000000000`),
          '"arn:aws:iam::aws:policy/ReadOnlyAccess"': 0,
        },
      },
      Bare: { inlineChars: 0, managedChars: {} },
    });
  });

  test('an attribute without a worst case throws instead of being counted short', () => {
    const template: CfnTemplate = {
      Resources: {
        Stream: { Type: 'AWS::KinesisVideo::Stream' },
        Role: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyName: 'own', PolicyDocument: document({ 'Fn::GetAtt': ['Stream', 'Name'] }) }] } },
      },
    };
    expect(() => rolePolicySizes(template)).toThrow(/no worst case for Fn::GetAtt Stream.Name/);
  });
});
