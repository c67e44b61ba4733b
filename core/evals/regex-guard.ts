/**
 * Regex graders run user patterns on model output inside the worker; V8's backtracking engine
 * can spend exponential time on patterns like `(a+)+$`. Node has no linear-time engine in our
 * dependencies, so a pattern is refused when it has the shapes that backtrack catastrophically
 * (a quantified group that holds another quantifier or an alternation, or a back-reference),
 * and the text is capped (GRADER_TEXT_CAP) so even an accepted pattern's polynomial work is bounded.
 */

/** Null when the pattern is safe to run; otherwise why it is refused. */
export function regexProblem(pattern: string, flags = ''): string | null {
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    return `invalid regular expression: ${(error as Error).message}`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references are not allowed (they can backtrack exponentially)';
  // Walk the pattern tracking, for each open group, whether it holds a quantifier or an alternation.
  const stack: Array<{ quantified: boolean; alternation: boolean }> = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i];
    if (ch === '\\') { i += 1; continue; }
    if (inClass) { if (ch === ']') inClass = false; continue; }
    if (ch === '[') { inClass = true; continue; }
    if (ch === '(') { stack.push({ quantified: false, alternation: false }); continue; }
    const top = stack[stack.length - 1];
    if (ch === '|') { if (top) top.alternation = true; continue; }
    if (ch === ')') {
      const group = stack.pop();
      const next = pattern[i + 1];
      const groupQuantified = next === '*' || next === '+' || next === '{';
      if (group && groupQuantified && (group.quantified || group.alternation)) {
        return 'a repeated group may not contain another repetition or an alternation (catastrophic backtracking); rewrite it, e.g. (ab)+ or [ab]+';
      }
      const parent = stack[stack.length - 1];
      if (parent && (groupQuantified || group?.quantified)) parent.quantified = true;
      continue;
    }
    if ((ch === '*' || ch === '+' || ch === '{') && top) top.quantified = true;
  }
  return null;
}
