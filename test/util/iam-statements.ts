/**
 * Reading IAM identity policies out of a synthesized template, unresolved (the statements as
 * the template writes them, `Fn::GetAtt` and all), for exact comparisons in template tests.
 * The resolved view, and what a request is allowed, is `PolicySimulator`'s.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { intrinsicOf } from './intrinsics';
import { CfnTemplate, resourcesOf } from './templates';

/** An identity policy written in a template: a role's or user's inline policy, an `AWS::IAM::Policy` or `AWS::IAM::ManagedPolicy`. */
export interface IdentityPolicy {
  /** The logical id of the resource the policy is written in (the role or user, for an inline policy). */
  readonly source: string;
  /** The type of that resource. */
  readonly sourceType: string;
  /** The logical ids of the roles and users of the template it applies to. */
  readonly principals: string[];
  /**
   * The principals it is attached to that are not a role or user of the template (a name, an
   * import, a group), as written.
   */
  readonly otherAttachments: unknown[];
  /** The policy document, as written. */
  readonly document: unknown;
  readonly statements: Array<Record<string, any>>;
}

/** A statement as the template writes it, with the policy it is in. */
export interface IdentityPolicyStatement {
  readonly policy: IdentityPolicy;
  readonly statement: Record<string, any>;
}

/** An IAM statement with `Action` and `Resource` always arrays. */
export interface NormalizedStatement {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: unknown[];
  readonly condition?: unknown;
  /** The logical id of the resource the statement was found in. */
  readonly source: string;
}

const PRINCIPAL_TYPES: Record<string, 'Roles' | 'Users'> = { 'AWS::IAM::Role': 'Roles', 'AWS::IAM::User': 'Users' };

/** `value` as an array: `[]` for undefined, `[value]` for a single value. */
export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/**
 * Every identity policy of a template: first the inline policies of its roles and users, then
 * its `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources, in template order. A managed
 * policy applies to the principals in its `Roles` / `Users`, and to those that list it (`Ref`)
 * in their `ManagedPolicyArns`.
 */
export function identityPolicies(template: Template | CfnTemplate): IdentityPolicy[] {
  const resources = resourcesOf(template);
  const isPrincipal = (id: string) => resources[id] !== undefined && resources[id].Type in PRINCIPAL_TYPES;
  const documentStatements = (document: any) => asArray<Record<string, any>>(document?.Statement);

  const policies: IdentityPolicy[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (!(resource.Type in PRINCIPAL_TYPES)) continue;
    for (const policy of asArray<Record<string, any>>(resource.Properties?.Policies)) {
      const document = policy.PolicyDocument;
      const statements = documentStatements(document);
      policies.push({ source: id, sourceType: resource.Type, principals: [id], otherAttachments: [], document, statements });
    }
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const principals: string[] = [];
    const otherAttachments: unknown[] = [];
    for (const key of ['Roles', 'Users', 'Groups']) {
      for (const attachment of asArray<unknown>(resource.Properties?.[key])) {
        const call = intrinsicOf(attachment);
        const target = call?.fn === 'Ref' && typeof call.arg === 'string' ? call.arg : undefined;
        if (target !== undefined && key !== 'Groups' && isPrincipal(target) && PRINCIPAL_TYPES[resources[target].Type] === key) {
          principals.push(target);
        } else {
          otherAttachments.push(attachment);
        }
      }
    }
    if (resource.Type === 'AWS::IAM::ManagedPolicy') {
      for (const [principalId, principal] of Object.entries(resources)) {
        const listed = asArray<unknown>(principal.Properties?.ManagedPolicyArns).some((arn) => intrinsicOf(arn)?.fn === 'Ref' && intrinsicOf(arn)?.arg === id);
        if (isPrincipal(principalId) && listed && !principals.includes(principalId)) principals.push(principalId);
      }
    }
    const document = resource.Properties?.PolicyDocument;
    policies.push({ source: id, sourceType: resource.Type, principals, otherAttachments, document, statements: documentStatements(document) });
  }
  return policies;
}

/** Every statement of every identity policy of a template, as written, with its policy. */
export function identityPolicyStatements(template: Template | CfnTemplate): IdentityPolicyStatement[] {
  return identityPolicies(template).flatMap((policy) => policy.statements.map((statement) => ({ policy, statement })));
}

/** A statement in normal form; `NotAction`, `NotResource` and `NotPrincipal` throw (the library writes none). */
export function normalizeStatement(statement: Record<string, any>, source: string): NormalizedStatement {
  for (const key of ['NotAction', 'NotResource', 'NotPrincipal']) {
    if (key in statement) {
      throw new Error(`unexpected ${key} in a statement of ${source}: ${JSON.stringify(statement)}`);
    }
  }
  return {
    effect: statement.Effect,
    actions: asArray<string>(statement.Action),
    resources: asArray<unknown>(statement.Resource),
    condition: statement.Condition,
    source,
  };
}

/**
 * Every statement that applies to one IAM role or user (given by logical id), in normal form:
 * its inline policies, then the `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources
 * attached to it.
 */
export function statementsOfPrincipal(template: Template | CfnTemplate, principalLogicalId: string): NormalizedStatement[] {
  const principal = resourcesOf(template)[principalLogicalId];
  if (!principal || !(principal.Type in PRINCIPAL_TYPES)) {
    throw new Error(`no IAM role or user '${principalLogicalId}' in the template`);
  }
  return identityPolicyStatements(template)
    .filter(({ policy }) => policy.principals.includes(principalLogicalId))
    .map(({ policy, statement }) => normalizeStatement(statement, policy.source));
}

/** The statements with at least one action of the given service prefix (e.g. 'kinesisvideo'). */
export function statementsForService(statements: NormalizedStatement[], service: string): NormalizedStatement[] {
  return statements.filter(s => s.actions.some(a => a.toLowerCase().startsWith(`${service.toLowerCase()}:`)));
}

/** Every action of the statements. */
export function allActions(statements: NormalizedStatement[]): string[] {
  return statements.flatMap(s => s.actions);
}

/** The union of the actions of the statements whose resources include `resource` (deep equality). */
export function actionsOn(statements: NormalizedStatement[], resource: unknown): string[] {
  const wanted = JSON.stringify(resource);
  const actions = statements
    .filter(s => s.resources.some(r => JSON.stringify(r) === wanted))
    .flatMap(s => s.actions);
  return [...new Set(actions)].sort();
}

/** Sorted copy, to compare action sets order-insensitively but exactly. */
export function sorted(values: readonly string[]): string[] {
  return [...values].sort();
}
