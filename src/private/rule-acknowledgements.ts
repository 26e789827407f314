import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The library's one way of acknowledging a rule finding on one of its own resources, in the
 * forms both majors of cdk-nag read, without a dependency on cdk-nag and without aws-cdk-lib
 * APIs newer than the library's floor:
 *
 * - cdk-nag 2 reads the resource's CloudFormation metadata `cdk_nag.rules_to_suppress`
 *   (`{ id, reason, applies_to? }`), as `NagSuppressions.addResourceSuppressions` writes it;
 * - cdk-nag 3 reads the construct metadata `aws:cdk:acknowledged-rules` (`{ [ruleId]: reason }`)
 *   of the resource and its scopes, as `Validations.of(resource).acknowledge()` writes it from
 *   aws-cdk-lib 2.257: the id qualified `Annotation::`, a granular finding as
 *   `RuleId[Finding]`, matched exactly (cdk-nag 3.0.2 `NagPack.isAcknowledged`; aws-cdk-lib
 *   2.276.0 `core/lib/validation/validations.js`).
 */
export interface RuleAcknowledgement {
  /** The rule as the pack reports it, e.g. `AwsSolutions-IAM5`, `HIPAA.Security-LambdaDLQ`. */
  readonly id: string;

  /** Why the finding is acceptable on this resource. */
  readonly reason: string;

  /**
   * For a granular rule (one that reports findings, e.g. `AwsSolutions-IAM5`): the findings
   * acknowledged, e.g. `` `Resource::${arn}` ``. Tokens are allowed: they are rendered as
   * cdk-nag renders them (`<AWS::Region>`, `<Logical.Arn>`, literal values stay literal), so
   * the same expression gives the exact finding in an environment-agnostic stack and in a
   * stack with a literal account and region.
   *
   * @default - the rule as a whole (a rule without findings)
   */
  readonly findings?: string[];
}

/** The construct metadata type that cdk-nag 3 reads (`Validations.ACKNOWLEDGED_RULES_METADATA_KEY`). */
export const ACKNOWLEDGED_RULES_METADATA_TYPE = 'aws:cdk:acknowledged-rules';

/** The namespace `Validations.acknowledge()` gives an id without one (`Annotation::`). */
const ACKNOWLEDGED_RULE_NAMESPACE = 'Annotation::';

/** The CloudFormation metadata key that cdk-nag 2 reads. */
export const CDK_NAG_METADATA_KEY = 'cdk_nag';

/** cdk-nag 2 rejects a suppression whose reason is shorter. */
const MIN_REASON_LENGTH = 10;

/**
 * Acknowledges rule findings on one of the library's own resources, for cdk-nag 2 and 3: a
 * `CfnResource`, or an L2 whose default child it is. Called next to the resource it covers.
 * Keeps whatever `cdk_nag` suppressions the resource already has (the user's, for instance).
 */
export function acknowledgeRules(construct: IConstruct, acknowledgements: RuleAcknowledgement[]): void {
  const resource = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild as CfnResource;
  const stack = Stack.of(resource);
  const v2: Array<{ id: string; reason: string; applies_to?: string[] }> = [];
  const v3: Record<string, string> = {};

  for (const ack of acknowledgements) {
    if (ack.reason.trim().length < MIN_REASON_LENGTH) {
      throw new Error(`rule acknowledgement reason of ${ack.id} must be at least ${MIN_REASON_LENGTH} characters, got ${JSON.stringify(ack.reason)}`);
    }
    if (ack.findings === undefined) {
      v2.push({ id: ack.id, reason: ack.reason });
      v3[`${ACKNOWLEDGED_RULE_NAMESPACE}${ack.id}`] = ack.reason;
    } else {
      if (ack.findings.length === 0) {
        throw new Error(`rule acknowledgement findings of ${ack.id} must not be empty: omit them to acknowledge the whole rule`);
      }
      const findings = ack.findings.map((f) => renderFinding(stack, f));
      v2.push({ id: ack.id, reason: ack.reason, applies_to: findings });
      for (const finding of findings) {
        v3[`${ACKNOWLEDGED_RULE_NAMESPACE}${ack.id}[${finding}]`] = ack.reason;
      }
    }
  }

  const existing = resource.getMetadata(CDK_NAG_METADATA_KEY) as { rules_to_suppress?: unknown[] } | undefined;
  resource.addMetadata(CDK_NAG_METADATA_KEY, {
    ...existing,
    rules_to_suppress: [...(existing?.rules_to_suppress ?? []), ...v2],
  });
  resource.node.addMetadata(ACKNOWLEDGED_RULES_METADATA_TYPE, v3);
}

/** The cdk-nag packs, besides AwsSolutions, that users run for compliance. */
export const COMPLIANCE_PACKS = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

/** The compliance packs with the Lambda concurrency, dead-letter and backup rules (PCI DSS has none of them). */
export const HIPAA_AND_NIST = ['HIPAA.Security', 'NIST.800.53.R5'];

/** One rule (`<pack>-<rule>`) acknowledged in each of the packs, for one reason. */
export function forPacks(packs: string[], rule: string, reason: string): RuleAcknowledgement[] {
  return packs.map((pack) => ({ id: `${pack}-${rule}`, reason }));
}

/** Why the rules that every function of the library breaks by design are acceptable for one of them. */
export interface FunctionReasons {
  /** LambdaConcurrency: why it reserves no concurrency. */
  readonly concurrency: string;
  /** LambdaDLQ: why it has no dead-letter queue. */
  readonly deadLetter: string;
  /** LambdaInsideVPC: what it calls, outside any VPC. */
  readonly outsideVpc: string;
  /** CloudWatchLogGroupEncrypted: what it logs. */
  readonly logs: string;
  /** IAMNoInlinePolicy: why its role's policy is inline. */
  readonly inlinePolicy: string;
}

/**
 * Acknowledges, on one of the library's functions, its role and its log group, the findings
 * every such function has by design, and cfn-lint's W3005 (aws-cdk-lib's Function adds a
 * DependsOn on its role, which the role's GetAtt already implies: harmless, and not ours to
 * remove, so it is ignored on this resource only).
 */
export function acknowledgeFunction(parts: { fn: IConstruct; role: IConstruct; logGroup: IConstruct }, reasons: FunctionReasons): void {
  acknowledgeRules(parts.logGroup, forPacks(COMPLIANCE_PACKS, 'CloudWatchLogGroupEncrypted', reasons.logs));
  acknowledgeRules(parts.role, forPacks(COMPLIANCE_PACKS, 'IAMNoInlinePolicy', reasons.inlinePolicy));
  acknowledgeRules(parts.fn, [
    ...forPacks(HIPAA_AND_NIST, 'LambdaConcurrency', reasons.concurrency),
    ...forPacks(HIPAA_AND_NIST, 'LambdaDLQ', reasons.deadLetter),
    ...forPacks(COMPLIANCE_PACKS, 'LambdaInsideVPC', reasons.outsideVpc),
  ]);
  (parts.fn.node.defaultChild as CfnResource).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
}

/**
 * A finding as cdk-nag writes it: the value resolved, then flattened by cdk-nag's
 * `flattenCfnReference` (identical in cdk-nag 2.38 and 3.0: `{Ref: X}` → `<X>`,
 * `{Fn::GetAtt: [R, A]}` → `<R.A>`, `Fn::Join` joined, `${X}` → `<X>`).
 */
export function renderFinding(stack: Stack, finding: string): string {
  return flattenCfnReference(stack.resolve(finding));
}

function flattenCfnReference(node: unknown): string {
  if (node === undefined) {
    return '';
  }
  if (typeof node === 'string') {
    return node.replace(/\${/g, '<').replace(/}/g, '>');
  }
  const n = node as Record<string, any>;
  if (n['Fn::Join']) {
    const [delimiter, items] = n['Fn::Join'] as [string, unknown[]];
    return items.map(flattenCfnReference).join(delimiter);
  }
  if (n['Fn::Sub']) {
    return flattenCfnReference(n['Fn::Sub']);
  }
  if (n['Fn::GetAtt']) {
    const [res, attr] = n['Fn::GetAtt'] as unknown[];
    return `<${flattenCfnReference(res)}.${flattenCfnReference(attr)}>`;
  }
  if (n['Fn::ImportValue']) {
    return flattenCfnReference(n['Fn::ImportValue']);
  }
  if (n.Ref) {
    return `<${flattenCfnReference(n.Ref)}>`;
  }
  return JSON.stringify(node);
}
