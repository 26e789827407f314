/**
 * The simulations run in a child process (ts-node on the harness itself): the parent starts it
 * and reads one `SIMULATION_RESULT <json>` line from its output; the child runs and writes that
 * line. One runner for the deployment simulation and the onboarding simulation.
 */
import { spawn } from 'child_process';
import * as path from 'path';

const RESULT_PREFIX = 'SIMULATION_RESULT ';

/**
 * Runs `script` (a harness of this folder) with `args` in a child process of ts-node and returns
 * the JSON of its result line; `env` is added to the child's small environment.
 */
export async function runInChild(script: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register', script, ...args], {
      cwd: path.join(__dirname, '..', '..'),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TS_NODE_PROJECT: path.join(__dirname, '..', 'tsconfig.json'),
        TS_NODE_TRANSPILE_ONLY: 'true',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => stdout += chunk);
    child.stderr.on('data', (chunk) => stderr += chunk);
    child.on('error', reject);
    child.on('close', (code) => code === 0 ? resolve(stdout) : reject(new Error(`simulation exited with ${code}: ${stderr.slice(-4_000)}`)));
  });
  const line = output.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (!line) {
    throw new Error(`no result from the simulation: ${output.slice(-2_000)}`);
  }
  return line.slice(RESULT_PREFIX.length);
}

/**
 * In the child: writes the result line and exits once it is flushed (abandoned invocations may
 * still hold sockets and timers, and process.exit() alone would cut a large result short on a
 * pipe); on failure, the stack on stderr and exit code 1.
 */
export function reportFromChild(run: Promise<unknown>, write: typeof process.stdout.write = process.stdout.write.bind(process.stdout)): void {
  run.then((result) => {
    write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`, () => process.exit(0));
  }, (e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
}

/** The value after `--name` on the child's command line. */
export function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
