/**
 * The one reader of CloudFormation intrinsic functions in the tests: what each intrinsic means
 * is written here once, and the statement readers, the policy sizes and the policy simulation
 * all resolve through it. Each caller says only what a `Ref`, a `Fn::GetAtt` and a
 * `Fn::ImportValue` stand for (an `IntrinsicContext`).
 *
 * Resolution is strict: an intrinsic it does not implement (`Fn::If`, `Fn::FindInMap`, ...) or
 * cannot compute throws, so that no proof passes because a value was left unresolved.
 *
 * Semantics: CloudFormation User Guide, "Intrinsic function reference"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html).
 */

/** What the references of a template stand for, when its intrinsics are resolved. */
export interface IntrinsicContext {
  /** `{ Ref: name }`: a pseudo parameter (`AWS::Region`), a parameter or a resource. */
  ref(name: string): unknown;
  /** `{ 'Fn::GetAtt': [logicalId, attribute] }`, and `${logicalId.attribute}` in `Fn::Sub`. */
  getAtt(logicalId: string, attribute: string): unknown;
  /** `{ 'Fn::ImportValue': exportName }`. Without it, an import throws. */
  importValue?(exportName: string): unknown;
}

/** An intrinsic function call: `{ Ref: ... }` or `{ 'Fn::Xxx': ... }`, alone in its object. */
export interface IntrinsicCall {
  readonly fn: string;
  readonly arg: unknown;
}

/** The intrinsic call `value` is, if it is one. */
export function intrinsicOf(value: unknown): IntrinsicCall | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !(keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return undefined;
  return { fn: keys[0], arg: (value as Record<string, unknown>)[keys[0]] };
}

/** `{ 'Fn::GetAtt': [logicalId, 'Arn'] }`, as CDK renders a resource's ARN. */
export function getAttArn(logicalId: string): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalId, 'Arn'] };
}

/** Whether `name` is a pseudo parameter (`AWS::Region`, `AWS::StackId`, ...). */
export function isPseudoParameter(name: string): boolean {
  return name.startsWith('AWS::');
}

/** The `[logicalId, attribute]` of a `Fn::GetAtt` argument, in either of its two forms. */
function getAttTarget(arg: unknown): [unknown, unknown] {
  if (typeof arg === 'string') {
    const dot = arg.indexOf('.');
    return dot < 0 ? [arg, undefined] : [arg.slice(0, dot), arg.slice(dot + 1)];
  }
  return Array.isArray(arg) && arg.length === 2 ? [arg[0], arg[1]] : [undefined, undefined];
}

/** A `${...}` placeholder of a `Fn::Sub` string. */
type SubPlaceholder =
  | { readonly kind: 'literal'; readonly text: string } // `${!Literal}` renders `${Literal}`
  | { readonly kind: 'variable'; readonly name: string } // a key of the variable map
  | { readonly kind: 'ref'; readonly name: string } // `${Name}`: Ref
  | { readonly kind: 'getAtt'; readonly logicalId: string; readonly attribute: string }; // `${Id.Attr}`

/** The template string and variable map of a `Fn::Sub` argument, in either of its two forms. */
function subParts(arg: unknown): { text: unknown; variables: unknown } {
  if (typeof arg === 'string') return { text: arg, variables: {} };
  return Array.isArray(arg) && arg.length === 2 ? { text: arg[0], variables: arg[1] } : { text: undefined, variables: undefined };
}

/** Replaces each placeholder of a `Fn::Sub` string by what `render` returns for it. */
function substitute(text: string, variables: object, render: (placeholder: SubPlaceholder) => string): string {
  return text.replace(/\$\{([^}]*)\}/g, (_, expr: string) => {
    if (expr.startsWith('!')) return render({ kind: 'literal', text: `\${${expr.slice(1)}}` });
    if (expr in variables) return render({ kind: 'variable', name: expr });
    const dot = expr.indexOf('.');
    return dot < 0 ? render({ kind: 'ref', name: expr }) : render({ kind: 'getAtt', logicalId: expr.slice(0, dot), attribute: expr.slice(dot + 1) });
  });
}

/**
 * Resolves every intrinsic in `value` (at any depth), as CloudFormation would with the
 * references of `context`: `Ref`, `Fn::GetAtt` (both forms), `Fn::Join`, `Fn::Select`,
 * `Fn::Split`, `Fn::Sub` (both forms) and `Fn::ImportValue`. Anything else throws.
 *
 * @param where names the template in error messages
 */
export function resolveIntrinsics(value: unknown, context: IntrinsicContext, where?: string): any {
  const resolve = (v: unknown): any => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(resolve);
    const call = intrinsicOf(v);
    if (call) return evaluate(call);
    return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, resolve(inner)]));
  };

  const evaluate = ({ fn, arg }: IntrinsicCall): any => {
    const fail = (why: string): never => {
      throw new Error(`cannot resolve ${fn} ${JSON.stringify(arg)}${where === undefined ? '' : ` in ${where}`}: ${why}`);
    };
    const pair = (): [any, any] => Array.isArray(arg) && arg.length === 2 ? resolve(arg) : fail('bad arguments');
    switch (fn) {
      case 'Ref':
        return typeof arg === 'string' ? context.ref(arg) : fail('not a name');
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = getAttTarget(arg).map(resolve);
        if (typeof logicalId !== 'string' || typeof attribute !== 'string') return fail('bad arguments');
        return context.getAtt(logicalId, attribute);
      }
      case 'Fn::Join': {
        const [delimiter, list] = pair();
        if (typeof delimiter !== 'string' || !Array.isArray(list) || !list.every((x) => typeof x === 'string')) return fail('not strings');
        return list.join(delimiter);
      }
      case 'Fn::Select': {
        const [index, list] = pair();
        const i = Number(index);
        if (!Array.isArray(list) || !Number.isInteger(i) || i < 0 || i >= list.length) return fail('index out of range');
        return list[i];
      }
      case 'Fn::Split': {
        const [delimiter, source] = pair();
        if (typeof delimiter !== 'string' || typeof source !== 'string') return fail('not strings');
        return source.split(delimiter);
      }
      case 'Fn::Sub': {
        const { text, variables } = subParts(arg);
        if (typeof text !== 'string' || variables === null || typeof variables !== 'object') return fail('bad arguments');
        const values = resolve(variables);
        return substitute(text, values, (p) => {
          switch (p.kind) {
            case 'literal': return p.text;
            case 'variable': return String(values[p.name]);
            case 'ref': return String(context.ref(p.name));
            case 'getAtt': return String(context.getAtt(p.logicalId, p.attribute));
          }
        });
      }
      case 'Fn::ImportValue': {
        const exportName = resolve(arg);
        if (typeof exportName !== 'string') return fail('export name is not a string');
        return context.importValue ? context.importValue(exportName) : fail('no exports to import from');
      }
      default:
        return fail('unsupported intrinsic');
    }
  };

  return resolve(value);
}

/**
 * Resolves the intrinsics of a value that refers only to parameters and pseudo parameters (an
 * ARN parsed by CloudFormation, a policy resource built from `AWS::Partition`, ...), with the
 * given values for them. A reference without a value, and any `Fn::GetAtt`, throws.
 */
export function resolveWithParameters(value: unknown, parameters: Record<string, string>): any {
  return resolveIntrinsics(value, {
    ref: (name) => {
      if (!(name in parameters)) throw new Error(`cannot resolve Ref ${name}: no value for parameter ${name}`);
      return parameters[name];
    },
    getAtt: (logicalId, attribute) => {
      throw new Error(`cannot resolve Fn::GetAtt ${logicalId}.${attribute}: only parameters have values here`);
    },
  });
}

/**
 * Every logical id `value` refers to, sorted: through `Ref`, `Fn::GetAtt` (both forms) and the
 * placeholders of `Fn::Sub` (both forms, not its own variables, not `${!Literal}`). Pseudo
 * parameters are not logical ids; parameters are (filter by the template's resources if only
 * resources are wanted). An import (`Fn::ImportValue`) refers to no logical id of this template.
 */
export function referencedLogicalIds(value: unknown): string[] {
  const ids = new Set<string>();
  const add = (name: unknown) => {
    if (typeof name === 'string' && !isPseudoParameter(name)) ids.add(name);
  };
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    const call = intrinsicOf(v);
    if (call?.fn === 'Ref') {
      add(call.arg);
    } else if (call?.fn === 'Fn::GetAtt') {
      add(getAttTarget(call.arg)[0]);
      visit(call.arg);
    } else if (call?.fn === 'Fn::Sub') {
      const { text, variables } = subParts(call.arg);
      if (typeof text === 'string') {
        substitute(text, variables !== null && typeof variables === 'object' ? variables : {}, (p) => {
          if (p.kind === 'ref') add(p.name);
          if (p.kind === 'getAtt') add(p.logicalId);
          return '';
        });
      }
      visit(variables);
    } else {
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return [...ids].sort();
}
