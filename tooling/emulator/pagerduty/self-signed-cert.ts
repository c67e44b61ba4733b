// A throw-away TLS certificate for 127.0.0.1/localhost, made with the openssl CLI at run time
// (node:crypto makes keys, not X.509 certificates). @pagerduty/pdjs always speaks https, so a
// local PagerDuty emulator must serve TLS; clients trust this certificate explicitly (an
// https.Agent with `ca`, or NODE_EXTRA_CA_CERTS for a whole process) — never by turning checks off.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedCert {
  /** PEM certificate: also the CA to trust. */
  cert: string;
  key: string;
  /** The certificate written to a file, for NODE_EXTRA_CA_CERTS or PAGERDUTY_CA_FILE. */
  certFile: string;
}

export function selfSignedCert(days = 2): SelfSignedCert {
  const dir = mkdtempSync(join(tmpdir(), 'soma-pd-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', String(days), '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(certFile, 'utf8');
  writeFileSync(certFile, cert, { mode: 0o600 });
  return { cert, key: readFileSync(keyFile, 'utf8'), certFile };
}
