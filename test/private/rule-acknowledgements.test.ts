import { App, CfnResource, Stack, StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { NagSuppressions } from 'cdk-nag';
import { acknowledgeRules } from '../../src/private/rule-acknowledgements';
import { acknowledgedIds, RuleSuppression, suppressedIds } from '../util/nag';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';

describe('acknowledgeRules', () => {
  function resource(props?: StackProps): { stack: Stack; res: CfnResource } {
    const stack = new Stack(new App(), 'Unit', props);
    return { stack, res: new CfnResource(stack, 'Thing', { type: 'AWS::Test::Thing' }) };
  }
  const REASON = 'a reason that is long enough';

  test('writes cdk-nag 2\'s cdk_nag metadata and cdk-nag 3\'s aws:cdk:acknowledged-rules, as Validations.acknowledge() qualifies them', () => {
    const { stack, res } = resource();
    acknowledgeRules(res, [{ id: 'HIPAA.Security-LambdaDLQ', reason: REASON }]);
    expect(Template.fromStack(stack).toJSON().Resources.Thing.Metadata).toEqual({
      cdk_nag: { rules_to_suppress: [{ id: 'HIPAA.Security-LambdaDLQ', reason: REASON }] },
    });
    expect(res.node.metadata.filter((e) => e.type === 'aws:cdk:acknowledged-rules').map((e) => e.data))
      .toEqual([{ 'Annotation::HIPAA.Security-LambdaDLQ': REASON }]);
  });

  test.each<[string, StackProps, string]>([
    ['environment-agnostic', {}, 'Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:channel/*'],
    ['literal', { env: { account: ACCOUNT, region: REGION } }, `Resource::arn:<AWS::Partition>:kinesisvideo:${REGION}:${ACCOUNT}:channel/*`],
  ])('renders tokens in findings as cdk-nag does (%s)', (_, props, expected) => {
    const { stack, res } = resource(props);
    const arn = stack.formatArn({ service: 'kinesisvideo', resource: 'channel', resourceName: '*' });
    const other = new CfnResource(stack, 'Other', { type: 'AWS::Test::Other' });
    acknowledgeRules(res, [{ id: 'AwsSolutions-IAM5', reason: REASON, findings: [`Resource::${arn}`, `Resource::${other.getAtt('Arn')}:*`] }]);
    expect(acknowledgedIds(res)).toEqual([`AwsSolutions-IAM5[${expected}]`, 'AwsSolutions-IAM5[Resource::<Other.Arn>:*]']);
    expect(suppressedIds(res)).toEqual(acknowledgedIds(res));
  });

  test('keeps the suppressions a resource already has', () => {
    const { res } = resource();
    NagSuppressions.addResourceSuppressions(res, [{ id: 'AwsSolutions-L1', reason: 'the user\'s own reason' }]);
    acknowledgeRules(res, [{ id: 'HIPAA.Security-LambdaDLQ', reason: REASON }]);
    expect((res.getMetadata('cdk_nag') as any).rules_to_suppress.map((r: RuleSuppression) => r.id)).toEqual(['AwsSolutions-L1', 'HIPAA.Security-LambdaDLQ']);
  });

  test('refuses a short reason and empty findings', () => {
    const { res } = resource();
    expect(() => acknowledgeRules(res, [{ id: 'X-Y', reason: 'short' }])).toThrow(/reason of X-Y must be at least 10 characters, got "short"/);
    expect(() => acknowledgeRules(res, [{ id: 'X-Y', reason: REASON, findings: [] }])).toThrow(/findings of X-Y must not be empty/);
  });
});
