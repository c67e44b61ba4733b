import { createTwoFilesPatch, diffLines } from 'diff';
import type { PromptVersion } from '../../stores/prompt-templates.ts';
import { canonicalJson, canonicalText } from './template-definition.ts';

export interface VersionDiff {
  from: number;
  to: number;
  identical: boolean;
  /** Unified diff of the template text (chat templates as `=== role ===` sections). */
  template: string;
  /** Unified diff of the variables schema, pretty-printed with sorted keys. */
  variables: string;
  linesAdded: number;
  linesRemoved: number;
}

const prettySchema = (version: PromptVersion) => `${JSON.stringify(JSON.parse(canonicalJson(version.variables)), null, 2)}\n`;
const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

/** What changed from one version to another, as unified diffs a reviewer can read. */
export function diffVersions(from: PromptVersion, to: PromptVersion): VersionDiff {
  const before = withNewline(canonicalText(from.content));
  const after = withNewline(canonicalText(to.content));
  const label = (v: PromptVersion) => `${v.name}@${v.version}`;
  let linesAdded = 0;
  let linesRemoved = 0;
  for (const change of diffLines(before, after)) {
    if (change.added) linesAdded += change.count ?? 0;
    if (change.removed) linesRemoved += change.count ?? 0;
  }
  return {
    from: from.version,
    to: to.version,
    identical: from.contentHash === to.contentHash,
    template: createTwoFilesPatch(label(from), label(to), before, after, undefined, undefined, { context: 3 }),
    variables: createTwoFilesPatch(`${label(from)} variables`, `${label(to)} variables`, prettySchema(from), prettySchema(to), undefined, undefined, { context: 3 }),
    linesAdded,
    linesRemoved,
  };
}
