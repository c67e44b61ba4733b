/**
 * A rule that finds one kind of personal or secret data in text and replaces it with a
 * placeholder. Rules are data so a tenant (or a test) can add its own: an employee-id format,
 * a national id. `accept` lets a rule check a match beyond what a regex can (card numbers must
 * pass Luhn, so an order number of the same length is left alone).
 */
export interface PiiRule {
  name: string;
  /** Must carry the `g` flag: every occurrence is replaced. */
  pattern: RegExp;
  replacement: string;
  accept?: (match: string) => boolean;
}

/** The Luhn checksum every payment card number carries. */
export function passesLuhn(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const validIpv4 = (ip: string) => ip.split('.').every((part) => Number(part) <= 255);

/**
 * The default rules, in the order they run. Secrets first (an API key can contain digit runs a
 * phone rule would otherwise take), then emails, cards, IP addresses, and phone numbers last
 * because their pattern is the loosest.
 */
export const DEFAULT_PII_RULES: readonly PiiRule[] = [
  {
    name: 'api_key',
    // OpenAI/Anthropic-style sk-…, AWS access key ids, GitHub and Slack tokens, bearer tokens.
    pattern: /\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|sa_[a-z0-9]{24,})\b|(?<=Bearer\s)[A-Za-z0-9._~+/-]{20,}=*/g,
    replacement: '[API_KEY]',
  },
  { name: 'email', pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g, replacement: '[EMAIL]' },
  { name: 'card_number', pattern: /\b\d(?:[ -]?\d){12,18}\b/g, replacement: '[CARD_NUMBER]', accept: passesLuhn },
  { name: 'ip_address', pattern: /\b(?:\d{1,3}\.){3}\d{1,3}\b/g, replacement: '[IP_ADDRESS]', accept: validIpv4 },
  {
    name: 'ip_address',
    // IPv6, full or compressed (one ::). A clock time (12:30, 12:30:45) has no hex letter, no ::
    // and fewer than 5 groups, so it is left alone.
    pattern: /(?<![\w:])[0-9a-fA-F]{1,4}(?::{1,2}[0-9a-fA-F]{1,4}){2,7}(?![\w:])/g,
    replacement: '[IP_ADDRESS]',
    accept: (m) => (m.match(/::/g)?.length ?? 0) <= 1 && (/[a-fA-F]/.test(m) || m.includes('::') || m.split(':').length >= 5),
  },
  {
    name: 'phone',
    // International (+44 20 7946 0958) and North-American ((555) 123-4567, 555.123.4567) forms:
    // 7 to 15 digits with the separators people write.
    pattern: /(?<![\w.])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}(?![\w])/g,
    replacement: '[PHONE]',
    accept: (m) => {
      const digits = m.replace(/\D/g, '').length;
      // A bare year range or a version string is not a phone number: ask for a separator
      // pattern with at least 7 digits and either a + or 3 groups.
      return digits >= 7 && digits <= 15 && (m.startsWith('+') || m.includes('(') || m.split(/[ .-]/).length >= 3);
    },
  },
];
