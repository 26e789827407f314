/**
 * The README's and the user guides' (docs/*.md) TypeScript examples, run as written: rosetta
 * compiles the README's (`rosetta:extract`), `compileExamples` type-checks any of them, and
 * `runExample` executes them against the library's source.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import * as ts from 'typescript';

export const ROOT = join(__dirname, '..', '..');

export const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The user guides: docs/*.md (the maintainers' design notes are in docs/design/). */
export const GUIDES = readdirSync(join(ROOT, 'docs')).filter(f => f.endsWith('.md')).map(f => `docs/${f}`).sort();

/** Every Markdown page of the documentation: the README, the guides and the design notes. */
export const DOC_PAGES = ['README.md', ...GUIDES, ...readdirSync(join(ROOT, 'docs', 'design')).filter(f => f.endsWith('.md')).map(f => `docs/design/${f}`)];

/** The text of a page, by its path from the repository's root. */
export function page(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

/** A fenced TypeScript block of a page and the rosetta fixture it names. */
export interface ReadmeExample {
  readonly fixture: string;
  readonly source: string;
  /** The page it is on, from the repository's root, and the line where the block starts, for messages. */
  readonly file: string;
  readonly line: number;
}

/** The TypeScript examples of a page (default: the README), optionally only those of one fixture. */
export function readmeExamples(fixture?: string, file = 'README.md'): ReadmeExample[] {
  const text = file === 'README.md' ? README : page(file);
  return [...text.matchAll(/^```ts(?: fixture=([\w-]+))?\n([\s\S]*?)^```/gm)]
    .map(m => ({
      fixture: m[1] ?? 'default',
      source: m[2],
      file,
      line: text.slice(0, m.index).split('\n').length,
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

/**
 * Type-checks examples as `jsii-rosetta extract --strict` compiles the README's: each example's
 * import and declare statements hoisted above its fixture (rosetta/<fixture>.ts-fixture), the rest in place
 * of the fixture's `/// here`, `cdk-kinesis-video-webrtc` resolved to the library's source.
 * Returns one message per error, naming the page and the line of the example.
 */
export function compileExamples(examples: ReadmeExample[]): string[] {
  const files = new Map<string, { text: string; example: ReadmeExample }>();
  examples.forEach((example, i) => {
    const fixture = readFileSync(join(ROOT, 'rosetta', `${example.fixture}.ts-fixture`), 'utf8');
    // import statements may span lines (up to the `from '…';` that ends them); rosetta hoists
    // them and the `declare` statements
    const imports = [...example.source.matchAll(/^import [\s\S]*?from '[^']+';$|^declare .*$/gm)].map(m => m[0]);
    let body = example.source;
    for (const statement of imports) {
      body = body.replace(statement, '');
    }
    const text = `${imports.join('\n')}\n${fixture.replace('/// here', body)}\n`;
    // beside the tests, so that module resolution finds the repository's node_modules
    files.set(resolve(ROOT, 'test', `__example_${i}.ts`), { text, example });
  });
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    lib: ['lib.es2020.d.ts'],
    types: ['node'],
    baseUrl: ROOT,
    paths: { 'cdk-kinesis-video-webrtc': ['src/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, version, onError, create) => files.has(resolve(name))
    ? ts.createSourceFile(name, files.get(resolve(name))!.text, version)
    : getSourceFile(name, version, onError, create);
  host.fileExists = name => files.has(resolve(name)) || fileExists(name);
  host.readFile = name => files.get(resolve(name))?.text ?? readFile(name);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program)
    .filter(d => d.file && files.has(resolve(d.file.fileName)))
    .map(d => {
      const { example } = files.get(resolve(d.file!.fileName))!;
      return `${example.file}, example at line ${example.line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

/** A heading's anchor, as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The anchors of a page's headings (outside code blocks), with GitHub's -1, -2 for repeats. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of withoutCode(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

/** The page with its fenced code blocks blanked to spaces (same offsets and lines). */
export function withoutCode(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, block => block.replace(/[^\n]/g, ' '));
}

/** The relative links and images of a page (outside code), resolved: the target file and its anchor. */
export function relativeLinks(file: string): Array<{ link: string; target: string; anchor?: string }> {
  const text = withoutCode(page(file));
  return [...text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)]
    .map(m => m[1])
    .filter(link => !/^[a-z]+:/i.test(link))
    .map(link => {
      const [path, anchor] = link.split('#');
      const target = path === '' ? file : relative(ROOT, resolve(ROOT, dirname(file), path));
      return { link, target, anchor };
    });
}

/** Whether a link's target exists and, given an anchor, whether the target has that heading. */
export function linkResolves(link: { target: string; anchor?: string }): boolean {
  if (!existsSync(join(ROOT, link.target))) {
    return false;
  }
  return link.anchor === undefined || (link.target.endsWith('.md') && anchors(page(link.target)).has(link.anchor));
}
