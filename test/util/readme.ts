/**
 * The README's TypeScript examples, run as written: rosetta compiles them (`rosetta:extract`),
 * these helpers execute them against the library's source.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';

export const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** A fenced TypeScript block of the README and the rosetta fixture it names. */
export interface ReadmeExample {
  readonly fixture: string;
  readonly source: string;
  /** The line of the README where the block starts, for messages. */
  readonly line: number;
}

export function readmeExamples(fixture?: string): ReadmeExample[] {
  return [...README.matchAll(/^```ts(?: fixture=([\w-]+))?\n([\s\S]*?)^```/gm)]
    .map(m => ({
      fixture: m[1] ?? 'default',
      source: m[2],
      line: README.slice(0, m.index).split('\n').length,
    }))
    .filter(e => fixture === undefined || e.fixture === fixture);
}

/** `declare const name: Type;` lines: what the example expects its reader to have. */
export function declaredNames(source: string): Array<{ name: string; type: string }> {
  return [...source.matchAll(/^declare const (\w+): ([\w.]+);/gm)].map(m => ({ name: m[1], type: m[2] }));
}

/**
 * Runs an example as a CommonJS module body. Its imports resolve as in an app, except
 * `cdk-kinesis-video-webrtc`, which is the library's source. `declared` provides the values of
 * its `declare const` lines; `self` is `this` (the stack, for the `stack` fixture).
 */
export function runExample(source: string, options: { self?: unknown; declared?: Record<string, unknown>; returns?: string } = {}): any {
  const js = ts.transpileModule(source + (options.returns ? `\nexports.__result = ${options.returns};` : ''), {
    compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
    reportDiagnostics: false,
  }).outputText;
  // The example's own imports, resolved from here; the library is its source.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (id: string) => require(id === 'cdk-kinesis-video-webrtc' ? '../../src' : id);
  const declared = options.declared ?? {};
  const exports: Record<string, unknown> = {};
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const run = new Function('require', 'exports', ...Object.keys(declared), js);
  run.call(options.self, load, exports, ...Object.values(declared));
  return exports.__result;
}
