/**
 * The graders that need nothing but the answer and the reference: exact, contains, regex,
 * JSON-schema validity and numeric tolerance. Each scores 0 or 1, so their comparisons use the
 * exact McNemar test. Compiled once per suite (regexes, ajv validators), then called per case.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { GRADER_TEXT_CAP, type Grader, type GradeResult } from './eval-types.ts';
import { regexProblem } from './regex-guard.ts';

export type DeterministicGrader = Extract<Grader, { type: 'exact' | 'contains' | 'regex' | 'json_schema' | 'numeric' }>;

export function isDeterministic(grader: Grader): grader is DeterministicGrader {
  return grader.type === 'exact' || grader.type === 'contains' || grader.type === 'regex' || grader.type === 'json_schema' || grader.type === 'numeric';
}

/** The name a grader's scores are filed under: its own, else its type. */
export function graderName(grader: Grader): string {
  return grader.name ?? grader.type;
}

export type GradeFunction = (output: string, expected: string | undefined) => GradeResult;

const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });

/** Same lexical number forms as JSON, plus a leading sign and surrounding text trimmed. */
function parseNumber(text: string): number | null {
  const match = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.replaceAll(',', ''));
  if (!match) return null;
  const value = Number(match[0]);
  return Number.isFinite(value) ? value : null;
}

/**
 * Compiles a grader. Throws a RangeError naming the problem for a grader that can never run
 * (a refused regex, an invalid schema): suite creation calls this, so bad suites are a 400.
 */
export function compileDeterministicGrader(grader: DeterministicGrader): GradeFunction {
  const name = graderName(grader);
  const result = (passed: boolean, detail?: string): GradeResult => ({ grader: name, type: grader.type, score: passed ? 1 : 0, passed, ...(detail === undefined ? {} : { detail }) });
  switch (grader.type) {
    case 'exact': {
      const norm = (s: string): string => {
        const t = grader.trim ? s.trim() : s;
        return grader.caseSensitive ? t : t.toLowerCase();
      };
      return (output, expected) => (expected === undefined ? result(false, 'case has no expected answer') : result(norm(output) === norm(expected)));
    }
    case 'contains': {
      const norm = (s: string): string => (grader.caseSensitive ? s : s.toLowerCase());
      return (output, expected) => (expected === undefined ? result(false, 'case has no expected answer') : result(norm(output).includes(norm(expected))));
    }
    case 'regex': {
      const problem = regexProblem(grader.pattern, grader.flags);
      if (problem) throw new RangeError(`grader ${name}: ${problem}`);
      const re = new RegExp(grader.pattern, grader.flags.replaceAll('g', ''));
      return (output) => result(re.test(output.slice(0, GRADER_TEXT_CAP)));
    }
    case 'json_schema': {
      let validate: ValidateFunction;
      try {
        validate = ajv.compile(grader.schema);
      } catch (error) {
        throw new RangeError(`grader ${name}: invalid JSON schema: ${(error as Error).message}`);
      }
      return (output) => {
        let value: unknown;
        try {
          value = JSON.parse(output.slice(0, GRADER_TEXT_CAP * 10));
        } catch {
          return result(false, 'answer is not JSON');
        }
        const ok = validate(value);
        return result(ok, ok ? undefined : ajv.errorsText(validate.errors));
      };
    }
    case 'numeric': {
      return (output, expected) => {
        const want = expected === undefined ? null : parseNumber(expected);
        if (want === null) return result(false, 'case has no numeric expected answer');
        const got = parseNumber(output.slice(0, GRADER_TEXT_CAP));
        if (got === null) return result(false, 'answer holds no number');
        const diff = Math.abs(got - want);
        return result(diff <= grader.absolute || diff <= grader.relative * Math.abs(want), `|${got} - ${want}| = ${diff}`);
      };
    }
  }
}
