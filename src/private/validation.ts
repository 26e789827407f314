import { Duration, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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

/**
 * A duration as a whole number of `unit`s within `[min, max]`.
 *
 * @returns the number of `unit`s (a token when the duration is a token), or undefined
 */
export function wholeDurationInRange(
  property: string,
  value: Duration | undefined,
  unit: 'seconds' | 'hours',
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (value.isUnresolved()) {
    try {
      return unit === 'seconds' ? value.toSeconds() : value.toHours();
    } catch (e) {
      throw new Error(`invalid ${property}: a duration from a token must be given in ${unit} (Duration.${unit}(token)): ${(e as Error).message}`);
    }
  }
  const amount = unit === 'seconds' ? value.toSeconds({ integral: false }) : value.toHours({ integral: false });
  if (!Number.isInteger(amount) || amount < min || amount > max) {
    throw new Error(
      `invalid ${property}: expected a whole number of ${unit} from ${min} to ${max}, ` +
      `got ${Number(amount.toFixed(6))} ${unit} (${value.toHumanString()})`,
    );
  }
  return amount;
}

/** A channel or stream name: 1 to 256 of `[a-zA-Z0-9_.-]`. Tokens pass. */
export function validateResourceName(property: string, value: string | undefined): void {
  validateKinesisVideoName(property, value, RESOURCE_NAME_MAX_LENGTH);
}

/** A stream's device name: 1 to 128 of `[a-zA-Z0-9_.-]`. Tokens pass. */
export function validateDeviceName(property: string, value: string | undefined): void {
  validateKinesisVideoName(property, value, DEVICE_NAME_MAX_LENGTH);
}

function validateKinesisVideoName(property: string, value: string | undefined, maxLength: number): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!new RegExp(`^[${KINESIS_VIDEO_NAME_CHARACTERS}]{1,${maxLength}}$`).test(value)) {
    throw new Error(
      `invalid ${property}: expected 1 to ${maxLength} characters from a-z, A-Z, 0-9, '_', '.' and '-', got '${value}' (${value.length} characters)`,
    );
  }
}

/**
 * A value of a string enum, for callers that bypass the type (JavaScript, or other jsii
 * languages given a raw string). Tokens pass.
 */
export function validateOneOf(property: string, value: string | undefined, allowed: readonly string[]): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!allowed.includes(value)) {
    throw new Error(`invalid ${property}: expected one of ${allowed.map(a => `'${a}'`).join(', ')}, got '${value}'`);
  }
}

/** A media type list such as `video/h264,audio/aac`, 1 to 128 characters. Tokens pass. */
export function validateMediaType(property: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (value.length > MEDIA_TYPE_MAX_LENGTH || !MEDIA_TYPE_PATTERN.test(value)) {
    throw new Error(
      `invalid ${property}: expected 'type/subtype' or a comma-separated list of them, 1 to ${MEDIA_TYPE_MAX_LENGTH} characters, got '${value}' (${value.length} characters)`,
    );
  }
}

/** A construct that holds a literal name, and the property the user gave the name in. */
interface NameHolder {
  readonly path: string;
  property: string;
}

/** Literal names per stack, per kind of resource, with the constructs that hold them. */
const namesInStacks = new WeakMap<Stack, Map<string, Map<string, NameHolder[]>>>();

/** The holder entry of each construct that registered a name. */
const holderOfConstruct = new WeakMap<IConstruct, NameHolder>();

/**
 * Refuse, at synthesis, a literal name that another construct of the same kind in the same
 * stack also uses: KVS names are unique per account and region, so the second resource would
 * fail minutes into the deployment. Every construct that holds the name reports the error.
 *
 * @param construct the construct that owns the name
 * @param property the property the name came from, for the message
 * @param kind the kind of resource, e.g. 'signaling channel'
 * @param name the name; undefined and tokens are not checked
 */
export function requireUniqueNameInStack(construct: IConstruct, property: string, kind: string, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) {
    return;
  }
  const stack = Stack.of(construct);
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
  const holder: NameHolder = { path: construct.node.path, property };
  holders.push(holder);
  names.set(name, holders);
  holderOfConstruct.set(construct, holder);

  construct.node.addValidation({
    validate: () => holders.length < 2 ? [] : [
      `duplicate ${holder.property} '${name}': ${kind} names must be unique per account and region, ` +
      `but ${holders.length} ${kind}s in stack '${stack.node.path}' use it (${holders.map(h => h.path).join(', ')})`,
    ],
  });
}

/**
 * Names, in the duplicate-name message of `construct`, the property of the construct that
 * passed the name on (e.g. `channelName` of a camera instead of its channel's `signalingChannelName`).
 */
export function nameGivenAs(construct: IConstruct, property: string): void {
  const holder = holderOfConstruct.get(construct);
  if (holder) {
    holder.property = property;
  }
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
export function validateTagValue(property: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  const length = [...value].length;
  if (length === 0 || length > TAG_VALUE_MAX_LENGTH || !TAG_VALUE_PATTERN.test(value)) {
    throw new Error(
      `invalid ${property}: expected 1 to ${TAG_VALUE_MAX_LENGTH} characters from letters, digits, spaces and '_', '.', ':', '/', '=', '+', '-', '@' ` +
      `(the rules of tag values), got '${value}' (${length} characters)`,
    );
  }
}
