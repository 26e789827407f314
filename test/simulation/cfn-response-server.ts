/**
 * A loopback HTTPS server standing in for CloudFormation's pre-signed `ResponseURL` (an S3 PUT),
 * with a throwaway self-signed certificate for 127.0.0.1 made by `openssl` (test only: the handler
 * trusts it through NODE_EXTRA_CA_CERTS in the simulation's child process, nowhere else).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

/** Makes a key and a self-signed certificate for 127.0.0.1 in a new temporary directory. */
export function makeTestCertificate(): { dir: string; keyFile: string; certFile: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-sim-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return { dir, keyFile, certFile };
}

/** One answer as CloudFormation would have received it. */
export interface Answer {
  readonly requestId: string;
  /** ms since the server started */
  readonly at: number;
  readonly bytes: number;
  readonly contentType: string | undefined;
  readonly body: { Status?: string; PhysicalResourceId?: string; Reason?: string; [key: string]: unknown };
}

export class CfnResponseServer {
  /** Answers accepted (HTTP 200), in arrival order. */
  public readonly answers: Answer[] = [];
  /** PUTs refused by fault injection. */
  public refused = 0;
  private failNext = 0;
  private server?: https.Server;
  /** When the server was made (epoch ms); `Answer.at` counts from it. */
  public readonly started = Date.now();

  constructor(private readonly tls: { keyFile: string; certFile: string }) {}

  public async start(): Promise<string> {
    this.server = https.createServer({
      key: fs.readFileSync(this.tls.keyFile),
      cert: fs.readFileSync(this.tls.certFile),
    }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (this.failNext > 0) {
          this.failNext--;
          this.refused++;
          res.writeHead(503).end('SlowDown');
          return;
        }
        const raw = Buffer.concat(chunks);
        let body: Answer['body'] = {};
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          body = { Status: 'UNPARSEABLE' };
        }
        if (req.method !== 'PUT' || raw.length > 4_096) {
          // S3 would refuse it; CloudFormation would never see it
          res.writeHead(400).end();
          return;
        }
        this.answers.push({
          requestId: decodeURIComponent((req.url ?? '/').slice(1)),
          at: Date.now() - this.started,
          bytes: raw.length,
          contentType: req.headers['content-type'],
          body,
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next `n` PUTs answer 503 (S3's SlowDown). */
  public failNextAnswers(n: number): void {
    this.failNext = n;
  }

  public reset(): void {
    this.answers.length = 0;
    this.refused = 0;
    this.failNext = 0;
  }

  public async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server ? this.server.close(() => resolve()) : resolve());
  }
}
