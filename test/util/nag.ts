/**
 * The two forms of a rule acknowledgement on a resource: cdk-nag 2's `cdk_nag` metadata and
 * cdk-nag 3's `aws:cdk:acknowledged-rules`, read back as `id[finding]` lines.
 */
import { CfnResource } from 'aws-cdk-lib';
import { ACKNOWLEDGED_RULES_METADATA_TYPE } from '../../src/private/rule-acknowledgements';

/** One entry of cdk-nag 2's `rules_to_suppress`. */
export interface RuleSuppression {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: string[];
}

/** The rules cdk-nag 3 reads as acknowledged. */
export function acknowledgedIds(c: CfnResource): string[] {
  return c.node.metadata
    .filter((e) => e.type === ACKNOWLEDGED_RULES_METADATA_TYPE)
    .flatMap((e) => Object.keys(e.data as Record<string, string>))
    .map((id) => id.replace(/^annotation::/i, ''));
}

/** cdk-nag 2's reading of a resource: its cdk_nag suppressions, expanded to `Rule[finding]` for granular ones. */
/** The rules cdk-nag 2 reads as suppressed. */
export function suppressedIds(c: CfnResource): string[] {
  const rules: RuleSuppression[] = (c.getMetadata('cdk_nag') as any)?.rules_to_suppress ?? [];
  return rules.flatMap((r) => r.applies_to ? r.applies_to.map((a) => `${r.id}[${a}]`) : [r.id]);
}
