/**
 * Removes a secret's value, in every form a request carried it, from text the platform returns
 * or stores (a tool result, an error excerpt): a server that echoes its Authorization header must
 * not leak the credential into the model's context, the run's history or the execution record.
 */
import type { HttpAuth } from './tool-spec.ts';

export const REDACTED = '[redacted]';

/** The forms the secret took on the wire. */
export function secretForms(auth: HttpAuth, secret: string): string[] {
  const forms = [secret];
  if (auth.type === 'basic') forms.push(Buffer.from(`${auth.username}:${secret}`).toString('base64'));
  // Percent-encoded and JSON-escaped echoes too.
  forms.push(encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1));
  return [...new Set(forms.filter((f) => f.length > 0))].sort((a, b) => b.length - a.length);
}

export function redact(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of forms) out = out.split(form).join(REDACTED);
  return out;
}
