/**
 * The function of the custom resource that turns AWS IoT registry events on (./registry-events),
 * apart from the worker: only CloudFormation invokes it (the library grants no one
 * `lambda:InvokeFunction` on it), and its role may only turn registry events on.
 */
import type { Context } from 'aws-lambda';
import { isCfnRequest, onRegistryEventsResource } from './registry-events';
import { TIMING } from './timing';

export async function handler(event: unknown, context: Context): Promise<void> {
  if (!isCfnRequest(event)) {
    throw new Error('this function answers CloudFormation custom resource requests only');
  }
  return onRegistryEventsResource(event, context, TIMING);
}
