import { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';

/**
 * Helpers shared by the template tests: they read IAM statements out of a synthesized
 * template by the principal they are attached to, in a normal form that compares exactly.
 */

/** An IAM statement with `Action` and `Resource` always arrays. */
export interface NormalizedStatement {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: unknown[];
  readonly condition?: unknown;
  /** The logical id of the resource the statement was found in. */
  readonly source: string;
}

type CfnResource = { Type: string; Properties?: Record<string, any> };

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

function normalize(statement: Record<string, any>, source: string): NormalizedStatement {
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

function refersTo(list: unknown, logicalId: string): boolean {
  return asArray(list as unknown[]).some(item => JSON.stringify(item) === JSON.stringify({ Ref: logicalId }));
}

/** The logical id of a construct's default child (e.g. the `CfnRole` of an `iam.Role`). */
export function logicalIdOf(construct: IConstruct): string {
  const child = construct.node.defaultChild as CfnElement | undefined;
  if (!child) {
    throw new Error(`${construct.node.path} has no default child`);
  }
  return Stack.of(child).getLogicalId(child);
}

/**
 * Every statement that applies to an IAM role or user (given by logical id): its inline
 * policies, the `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources attached to it.
 */
export function statementsOf(template: Template, principalLogicalId: string): NormalizedStatement[] {
  const resources = template.toJSON().Resources as Record<string, CfnResource>;
  const principal = resources[principalLogicalId];
  if (!principal || !['AWS::IAM::Role', 'AWS::IAM::User'].includes(principal.Type)) {
    throw new Error(`no IAM role or user '${principalLogicalId}' in the template`);
  }
  const attachKey = principal.Type === 'AWS::IAM::Role' ? 'Roles' : 'Users';
  const statements: NormalizedStatement[] = [];
  for (const policy of asArray<Record<string, any>>(principal.Properties?.Policies)) {
    for (const s of asArray<Record<string, any>>(policy.PolicyDocument.Statement)) {
      statements.push(normalize(s, principalLogicalId));
    }
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') {
      continue;
    }
    if (!refersTo(resource.Properties?.[attachKey], principalLogicalId)) {
      continue;
    }
    for (const s of asArray<Record<string, any>>(resource.Properties!.PolicyDocument.Statement)) {
      statements.push(normalize(s, id));
    }
  }
  return statements;
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

/** `{ 'Fn::GetAtt': [logicalId, 'Arn'] }` */
export function getAttArn(logicalId: string): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalId, 'Arn'] };
}

/** Every logical id a CloudFormation value refers to through `Ref` or `Fn::GetAtt`. */
export function referencedLogicalIds(value: unknown): string[] {
  const ids = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v && typeof v === 'object') {
      for (const [key, inner] of Object.entries(v as Record<string, unknown>)) {
        if (key === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) {
          ids.add(inner);
        } else if (key === 'Fn::GetAtt' && Array.isArray(inner)) {
          ids.add(String(inner[0]));
        } else {
          visit(inner);
        }
      }
    }
  };
  visit(value);
  return [...ids].sort();
}

/**
 * Evaluates the few intrinsic functions an ARN parse produces (`Ref` to a parameter,
 * `Fn::Select`, `Fn::Split`, `Fn::Join`), as CloudFormation would, with the given parameter
 * values.
 */
export function evaluateIntrinsic(value: unknown, parameters: Record<string, string>): unknown {
  if (typeof value === 'string' || typeof value === 'number') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(v => evaluateIntrinsic(v, parameters));
  }
  const obj = value as Record<string, any>;
  const keys = Object.keys(obj);
  if (keys.length !== 1) {
    throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
  }
  const [fn] = keys;
  const arg = obj[fn];
  switch (fn) {
    case 'Ref':
      if (!(arg in parameters)) {
        throw new Error(`no value for parameter ${arg}`);
      }
      return parameters[arg];
    case 'Fn::Select': {
      const list = evaluateIntrinsic(arg[1], parameters) as string[];
      return list[Number(evaluateIntrinsic(arg[0], parameters))];
    }
    case 'Fn::Split':
      return (evaluateIntrinsic(arg[1], parameters) as string).split(arg[0]);
    case 'Fn::Join':
      return (evaluateIntrinsic(arg[1], parameters) as string[]).join(arg[0]);
    default:
      throw new Error(`cannot evaluate ${fn}`);
  }
}
