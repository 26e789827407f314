/**
 * Reading synthesized CloudFormation templates: their shape, resources by type, and the
 * dependency graph CloudFormation orders creation and deletion by.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { intrinsicOf, referencedLogicalIds } from './intrinsics';
import { LINK_SCOPE_TAG_KEY } from '../../src/private/tags-and-quotas';

/** A CloudFormation template, as `Template.fromStack(stack).toJSON()` or a cloud assembly returns it. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, CfnOutput>;
  readonly [key: string]: unknown;
}

/** A resource of a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DependsOn?: string | string[];
  readonly [key: string]: unknown;
}

/** An output of a template. */
export interface CfnOutput {
  readonly Value: unknown;
  readonly Export?: { readonly Name: unknown };
}

/** The JSON of a template, given as an assertions `Template` or as JSON already. */
export function templateJson(template: Template | CfnTemplate): CfnTemplate {
  return template instanceof Template ? template.toJSON() : template;
}

/** The resources of a template, by logical id. */
export function resourcesOf(template: Template | CfnTemplate): Record<string, CfnResource> {
  return templateJson(template).Resources ?? {};
}

/** The logical ids of the resources of `type`, in template order. */
export function logicalIdsOfType(template: Template | CfnTemplate, type: string): string[] {
  return Object.entries(resourcesOf(template)).filter(([, r]) => r.Type === type).map(([id]) => id);
}

/** The logical id of the one resource of `type` (whose id starts with `prefix`); throws unless there is exactly one. */
export function onlyLogicalIdOfType(template: Template | CfnTemplate, type: string, prefix = ''): string {
  const ids = logicalIdsOfType(template, type).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) {
    throw new Error(`expected exactly one ${type}${prefix ? ` with a logical id starting '${prefix}'` : ''}, found ${ids.length}: ${ids.join(', ')}`);
  }
  return ids[0];
}

/** For each resource, the resources it depends on directly: those its properties reference, and its `DependsOn`. */
export function dependencyGraph(template: Template | CfnTemplate): Map<string, Set<string>> {
  const resources = resourcesOf(template);
  const graph = new Map<string, Set<string>>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    // parameters are referenced like resources, but are not in the graph
    const direct = new Set(referencedLogicalIds(resource.Properties ?? {}).filter((id) => id in resources));
    ([] as string[]).concat(resource.DependsOn ?? []).forEach((d) => direct.add(d));
    direct.delete(logicalId);
    graph.set(logicalId, direct);
  }
  return graph;
}

/** Everything `from` depends on, directly or not. */
export function transitiveDependencies(graph: Map<string, Set<string>>, from: string): Set<string> {
  const seen = new Set<string>();
  const pending = [...(graph.get(from) ?? [])];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (!seen.has(next)) {
      seen.add(next);
      pending.push(...(graph.get(next) ?? []));
    }
  }
  return seen;
}

/** Whether the graph has a cycle (CloudFormation would refuse the template). */
export function hasCycle(graph: Map<string, Set<string>>): boolean {
  return [...graph.keys()].some((id) => transitiveDependencies(graph, id).has(id));
}

/** What `maskAssetHashes` writes in place of an asset hash. */
export const ASSET_HASH_MASK = '<asset hash>';

/**
 * A copy of `value` with every asset hash (64 hexadecimal digits, as in a Lambda function's
 * `Code.S3Key`) replaced by `ASSET_HASH_MASK`: for snapshots that must not change with the
 * bundled handler (the integration snapshot pins the asset once).
 */
export function maskAssetHashes<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, v) => typeof v === 'string' ? v.replace(/\b[0-9a-f]{64}\b/g, ASSET_HASH_MASK) : v);
}

/**
 * The value a `{ 'Fn::ImportValue': '<name>' }` reads: the `Value` of the one output of the
 * `exporters` exported under that name, as written there. Throws if `value` is not an import
 * of a literal name, or if not exactly one output exports it.
 */
export function importedValue(value: unknown, exporters: ReadonlyArray<Template | CfnTemplate>): unknown {
  const call = intrinsicOf(value);
  if (call?.fn !== 'Fn::ImportValue' || typeof call.arg !== 'string') {
    throw new Error(`not an import of a literal export name: ${JSON.stringify(value)}`);
  }
  const name = call.arg;
  const values = exporters.flatMap((t) => Object.values(templateJson(t).Outputs ?? {}))
    .filter((output) => output.Export?.Name === name)
    .map((output) => output.Value);
  if (values.length !== 1) throw new Error(`expected one output exported as '${name}', found ${values.length}`);
  return values[0];
}

/**
 * The one camera's channel (SINGLE_MASTER) and stream have exactly the given properties and the
 * link scope tag (the stack id), and the stream has `streamDeletionPolicy`.
 */
export function expectLinkedCamera(
  template: Template,
  channel: Record<string, unknown>,
  stream: Record<string, unknown>,
  streamDeletionPolicy: 'Retain' | 'Delete',
): void {
  const Tags = [{ Key: LINK_SCOPE_TAG_KEY, Value: { Ref: 'AWS::StackId' } }];
  template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', Match.objectEquals({ Type: 'SINGLE_MASTER', ...channel, Tags }));
  template.hasResource('AWS::KinesisVideo::Stream', { Properties: Match.objectEquals({ ...stream, Tags }), DeletionPolicy: streamDeletionPolicy });
}
