import { Duration, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Every rule the library checks its input against, and who checks a value: the outermost
 * construct that receives it, under the name the user wrote (`handOver`, `isHandedOver`).
 * Rules skip unresolved tokens; CloudFormation checks those.
 */

// ---------------------------------------------------------------------------------------------
// Ranges

/** A range of whole durations. */
export interface DurationRange {
  readonly unit: 'seconds' | 'hours';
  readonly min: number;
  readonly max: number;
}

/** A signaling channel's message TTL (CreateSignalingChannel API). */
export const MESSAGE_TTL: DurationRange = { unit: 'seconds', min: 5, max: 120 };

/** The most hours a stream keeps media (CloudFormation and the CreateStream API): 10 years. */
const RETENTION_MAX_HOURS = 87_600;

/** A stream's DataRetentionInHours; 0 keeps nothing. */
export const RETENTION: DurationRange = { unit: 'hours', min: 0, max: RETENTION_MAX_HOURS };

/** A recorded stream's retention: ingestion refuses a stream that keeps nothing (NoDataRetentionException). */
export const INGESTION_RETENTION: DurationRange = { unit: 'hours', min: 1, max: RETENTION_MAX_HOURS };

/** A role alias' credential duration (CreateRoleAlias, `AWS::IoT::RoleAlias`). */
export const CREDENTIAL_DURATION: DurationRange = { unit: 'seconds', min: 900, max: 43_200 };

/**
 * The library's bad-input error: `invalid <property>: <problem>, in '<construct path>'`, then
 * any detail (e.g. aws-cdk's own message).
 */
function invalid(scope: IConstruct, property: string, problem: string, detail?: string): Error {
  return new Error(`invalid ${property}: ${problem}, in '${scope.node.path}'${detail === undefined ? '' : `: ${detail}`}`);
}

// ---------------------------------------------------------------------------------------------
// Names

/**
 * The characters of every Kinesis Video name that CloudFormation and the KVS API accept: channel
 * and stream names (1 to 256 of them) and a stream's DeviceName (1 to 128).
 */
const KINESIS_VIDEO_NAME_CHARACTERS = 'a-zA-Z0-9_.-';
const RESOURCE_NAME_MAX_LENGTH = 256;
const DEVICE_NAME_MAX_LENGTH = 128;

/** `type/subtype[,type/subtype…]`, the pattern of the stream's MediaType. */
const MEDIA_TYPE_PATTERN = /^[\w\-.+]+\/[\w\-.+]+(,[\w\-.+]+\/[\w\-.+]+)*$/;
const MEDIA_TYPE_MAX_LENGTH = 128;

/** A channel or stream name: 1 to 256 of `[a-zA-Z0-9_.-]`. Tokens pass. */
export function validateResourceName(scope: IConstruct, property: string, value: string | undefined): void {
  validateKinesisVideoName(scope, property, value, RESOURCE_NAME_MAX_LENGTH);
}

/** A stream's device name: 1 to 128 of `[a-zA-Z0-9_.-]`. Tokens pass. */
export function validateDeviceName(scope: IConstruct, property: string, value: string | undefined): void {
  validateKinesisVideoName(scope, property, value, DEVICE_NAME_MAX_LENGTH);
}

function validateKinesisVideoName(scope: IConstruct, property: string, value: string | undefined, maxLength: number): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!new RegExp(`^[${KINESIS_VIDEO_NAME_CHARACTERS}]{1,${maxLength}}$`).test(value)) {
    throw invalid(scope, property,
      `expected 1 to ${maxLength} characters from a-z, A-Z, 0-9, '_', '.' and '-', got '${value}' (${value.length} characters)`);
  }
}

/** `AWS::IoT::RoleAlias` RoleAlias: `[\w=,@-]+`, 1 to 128 characters (CloudFormation resource reference). */
const ROLE_ALIAS_NAME_PATTERN = /^[\w=,@-]{1,128}$/;

/** An AWS IoT role alias name. Tokens pass. */
export function validateRoleAliasName(scope: IConstruct, property: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value) || ROLE_ALIAS_NAME_PATTERN.test(value)) {
    return;
  }
  throw invalid(scope, property,
    `expected 1 to 128 characters from a-z, A-Z, 0-9, '_', '=', ',', '@' and '-', got '${value}' (${value.length} characters)`);
}

// ---------------------------------------------------------------------------------------------
// Other values

/**
 * A duration as a whole number of the range's unit within it.
 *
 * @returns the number of units (a token when the duration is a token), or undefined
 */
export function wholeDurationInRange(scope: IConstruct, property: string, value: Duration | undefined, range: DurationRange): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const { unit, min, max } = range;
  if (value.isUnresolved()) {
    try {
      return durationIn(value, unit);
    } catch (e) {
      throw invalid(scope, property, `a duration from a token must be given in ${unit} (Duration.${unit}(token))`, (e as Error).message);
    }
  }
  const amount = unit === 'seconds' ? value.toSeconds({ integral: false }) : value.toHours({ integral: false });
  if (!Number.isInteger(amount) || amount < min || amount > max) {
    const inUnit = `${Number(amount.toFixed(6))} ${unit}`;
    const asGiven = value.toHumanString();
    throw invalid(scope, property,
      `expected a whole number of ${unit} from ${min} to ${max}, got ${inUnit}${asGiven === inUnit ? '' : ` (${asGiven})`}`);
  }
  return amount;
}

/**
 * `wholeDurationInRange`, unless an enclosing construct checked `property` of `construct`
 * already: then only the conversion.
 */
export function wholeDurationOf(construct: IConstruct, property: string, value: Duration | undefined, range: DurationRange): number | undefined {
  return isHandedOver(construct, property) ? durationIn(value, range.unit) : wholeDurationInRange(construct, property, value, range);
}

/** A duration already checked (by `wholeDurationInRange`, in an enclosing construct), in `unit`. */
export function durationIn(value: Duration | undefined, unit: 'seconds' | 'hours'): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  return unit === 'seconds' ? value.toSeconds() : value.toHours();
}

/**
 * A value of a string enum, for callers that bypass the type (JavaScript, or other jsii
 * languages given a raw string). Tokens pass.
 */
export function validateOneOf(scope: IConstruct, property: string, value: string | undefined, allowed: readonly string[]): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!allowed.includes(value)) {
    throw invalid(scope, property, `expected one of ${allowed.map(a => `'${a}'`).join(', ')}, got '${value}'`);
  }
}

/** A media type list such as `video/h264,audio/aac`, 1 to 128 characters. Tokens pass. */
export function validateMediaType(scope: IConstruct, property: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (value.length > MEDIA_TYPE_MAX_LENGTH || !MEDIA_TYPE_PATTERN.test(value)) {
    throw invalid(scope, property,
      `expected 'type/subtype' or a comma-separated list of them, 1 to ${MEDIA_TYPE_MAX_LENGTH} characters, got '${value}' (${value.length} characters)`);
  }
}

// ---------------------------------------------------------------------------------------------
// Who checks a value

/** Per parent, per child id: the child's properties the parent checked, and their names in the parent. */
const handedOver = new WeakMap<IConstruct, Map<string, Readonly<Record<string, string>>>>();

/**
 * Declares, before `parent` creates its child `childId`, that it checked the values it passes
 * on: the child receives them as the keys of `properties`, the user wrote them as the values
 * (the parent's own property names). The child then neither checks them again nor names its
 * own properties in messages.
 */
export function handOver(parent: IConstruct, childId: string, properties: Record<string, string>): void {
  let children = handedOver.get(parent);
  if (!children) {
    children = new Map();
    handedOver.set(parent, children);
  }
  children.set(childId, properties);
}

/** A property as the user wrote it: the construct that received it first, and its name there. */
export interface PropertyAsWritten {
  readonly construct: IConstruct;
  readonly property: string;
}

/** Where the user wrote `property` of `construct`, following `handOver` up the tree. */
export function asWritten(construct: IConstruct, property: string): PropertyAsWritten {
  let current: PropertyAsWritten = { construct, property };
  for (;;) {
    const parent = current.construct.node.scope;
    const nameInParent = parent && handedOver.get(parent)?.get(current.construct.node.id)?.[current.property];
    if (!parent || nameInParent === undefined) {
      return current;
    }
    current = { construct: parent, property: nameInParent };
  }
}

/**
 * The name the user wrote `property` under, for a child `id` of `scope` not created yet (the
 * static `from*` methods, which check before they create).
 */
export function propertyNameAsWritten(scope: IConstruct, id: string, property: string): string {
  const nameInScope = handedOver.get(scope)?.get(id)?.[property];
  return nameInScope === undefined ? property : asWritten(scope, nameInScope).property;
}

/** Whether a construct enclosing `construct` received, and checked, its `property`. */
export function isHandedOver(construct: IConstruct, property: string): boolean {
  return asWritten(construct, property).construct !== construct;
}

/** Runs `check` unless a construct enclosing `construct` checked its `property` already. */
export function unlessHandedOver(construct: IConstruct, property: string, check: () => void): void {
  if (!isHandedOver(construct, property)) {
    check();
  }
}

// ---------------------------------------------------------------------------------------------
// Rules across constructs

/** Literal names per stack, per kind of resource, with the constructs that hold them. */
const namesInStacks = new WeakMap<Stack, Map<string, Map<string, PropertyAsWritten[]>>>();

/**
 * Refuse, at synthesis, a literal name that another construct of the same kind in the same
 * stack also uses: KVS names are unique per account and region, so the second resource would
 * fail minutes into the deployment. Every construct that holds the name reports the error.
 *
 * @param holder the construct that received the name from the user, and the property it came in
 * @param kind the kind of resource, e.g. 'signaling channel'
 * @param name the name; undefined and tokens are not checked
 */
export function requireUniqueNameInStack(holder: PropertyAsWritten, kind: string, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) {
    return;
  }
  const stack = Stack.of(holder.construct);
  let kinds = namesInStacks.get(stack);
  if (!kinds) {
    kinds = new Map();
    namesInStacks.set(stack, kinds);
  }
  let names = kinds.get(kind);
  if (!names) {
    names = new Map();
    kinds.set(kind, names);
  }
  const holders = names.get(name) ?? [];
  holders.push(holder);
  names.set(name, holders);

  holder.construct.node.addValidation({
    validate: () => holders.length < 2 ? [] : [
      `duplicate ${holder.property} '${name}': ${kind} names must be unique per account and region, ` +
      `but ${holders.length} ${kind}s in stack '${stack.node.path}' use it (${holders.map(h => h.construct.node.path).join(', ')})`,
    ],
  });
}

/**
 * The error for a channel or stream without a name that is used from another environment:
 * a policy there must name it, and CDK would generate a name, which replaces a deployed one.
 */
export function unnamedAcrossEnvironmentsError(resource: IConstruct, kind: string, nameProperty: PropertyAsWritten): Error {
  return new Error(
    `invalid ${nameProperty.property}: ${kind} '${resource.node.path}' is used from another environment (e.g. granted to a ` +
    'role of another region), which needs its name at synthesis, but it has none; set ' +
    `${nameProperty.property} of '${nameProperty.construct.node.path}' to a name, or to PhysicalName.GENERATE_IF_NEEDED. ` +
    `Naming a ${kind} that is already deployed replaces it: the old one is deleted${kind === 'video stream' ? ' (or orphaned, with its recordings, if retained)' : ''}, ` +
    'and devices configured with its old name stop working',
  );
}

/**
 * A name that is both an AWS IoT thing name (`[a-zA-Z0-9:_-]`, 1 to 128: AWS IoT API reference,
 * CreateThing) and a channel or stream name (`[a-zA-Z0-9_.-]`, 1 to 256): 1 to 128 of
 * `[a-zA-Z0-9_-]`.
 */
const THING_AND_RESOURCE_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,128}$/;

/**
 * Why `value` cannot be both a thing name and a channel or stream name, or undefined when it
 * can (tokens pass).
 *
 * @param property the property the name came from, for the message
 * @param value the name
 * @param why what makes the name a thing name, for the message
 */
export function thingNameProblem(property: string, value: string, why: string): string | undefined {
  if (Token.isUnresolved(value) || THING_AND_RESOURCE_NAME_PATTERN.test(value)) {
    return undefined;
  }
  return `invalid ${property}: ${why}, so expected 1 to 128 characters from a-z, A-Z, 0-9, '_' and '-' ` +
    `(valid both as a thing name and as a channel and stream name), got '${value}' (${value.length} characters)`;
}

/** Why no name that starts with `prefix` can pass `thingNameProblem`, or undefined. Tokens pass. */
export function thingNamePrefixProblem(property: string, prefix: string, why: string): string | undefined {
  if (Token.isUnresolved(prefix) || /^[a-zA-Z0-9_-]{0,127}$/.test(prefix)) {
    return undefined;
  }
  return `invalid ${property}: ${why}, so expected at most 127 characters from a-z, A-Z, 0-9, '_' and '-' ` +
    `(a thing name has 1 to 128), got '${prefix}' (${prefix.length} characters)`;
}

/**
 * The characters of a tag value on a Kinesis Video resource (TagResource, TagStream) and of a
 * session tag value (STS `Tag`): letters, spaces, digits and `_ . : / = + - @`, at most 256.
 */
const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_VALUE_MAX_LENGTH = 256;

/**
 * A tag value that is also a principal tag value: 1 to 256 characters of the tag rules. Empty is
 * refused, since an empty access group would be everyone's whose attribute is empty. Tokens pass.
 */
export function validateTagValue(scope: IConstruct, property: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  const length = [...value].length;
  if (length === 0 || length > TAG_VALUE_MAX_LENGTH || !TAG_VALUE_PATTERN.test(value)) {
    throw invalid(scope, property,
      `expected 1 to ${TAG_VALUE_MAX_LENGTH} characters from letters, digits, spaces and '_', '.', ':', '/', '=', '+', '-', '@' ` +
      `(the rules of tag values), got '${value}' (${length} characters)`);
  }
}
