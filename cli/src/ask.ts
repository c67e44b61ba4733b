/**
 * Questions on the terminal (stderr, so stdout stays the result): free text with a default,
 * hidden input for secrets, yes/no, and a choice from a list. Only called when a person is
 * at the keyboard; Ctrl-C while asking exits with 130.
 */
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { exitInterrupted } from './interrupt.ts';
import { styleFor } from './terminal.ts';

const style = styleFor(process.stderr);

async function ask(prompt: string, hidden = false): Promise<string> {
  let muted = false;
  // While muted, the terminal's echo of typed characters is swallowed; the prompt is written first.
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!muted) process.stderr.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  rl.on('SIGINT', () => {
    rl.close();
    process.stderr.write('\n');
    exitInterrupted();
  });
  try {
    if (!hidden) return await rl.question(prompt);
    process.stderr.write(prompt);
    muted = true;
    const answer = await rl.question('');
    muted = false;
    process.stderr.write('\n');
    return answer;
  } finally {
    rl.close();
  }
}

export interface TextQuestion {
  default?: string;
  /** An error message for a bad answer (the question is asked again), or undefined when it is fine. */
  validate?: (answer: string) => string | undefined;
}

export async function askText(question: string, options: TextQuestion = {}): Promise<string> {
  const suffix = options.default ? ` ${style.dim(`(${options.default})`)}` : '';
  for (;;) {
    const answer = (await ask(`${style.cyan('?')} ${question}${suffix}: `)).trim() || options.default || '';
    const problem = options.validate?.(answer) ?? (answer === '' ? 'an answer is needed' : undefined);
    if (!problem) return answer;
    process.stderr.write(`  ${style.red(problem)}\n`);
  }
}

export async function askSecret(question: string): Promise<string> {
  for (;;) {
    const answer = (await ask(`${style.cyan('?')} ${question} ${style.dim('(input hidden)')}: `, true)).trim();
    if (answer) return answer;
    process.stderr.write(`  ${style.red('an answer is needed')}\n`);
  }
}

export async function askConfirm(question: string, defaultYes = false): Promise<boolean> {
  const answer = (await ask(`${style.cyan('?')} ${question} ${style.dim(defaultYes ? '[Y/n]' : '[y/N]')} `)).trim().toLowerCase();
  if (answer === '') return defaultYes;
  return answer === 'y' || answer === 'yes';
}

/** One of `choices`, by number or by name. */
export async function askChoice(question: string, choices: Array<{ value: string; description?: string }>, defaultValue?: string): Promise<string> {
  process.stderr.write(`${style.cyan('?')} ${question}\n`);
  choices.forEach((c, i) => process.stderr.write(`  ${style.bold(String(i + 1))}) ${c.value}${c.description ? style.dim(`  ${c.description}`) : ''}\n`));
  const answer = await askText('Choose', {
    default: defaultValue,
    validate: (a) => (pick(a) ? undefined : `choose 1-${choices.length} or a name`),
  });
  return pick(answer)!;

  function pick(answer: string): string | undefined {
    const n = Number(answer);
    if (Number.isInteger(n) && n >= 1 && n <= choices.length) return choices[n - 1]!.value;
    return choices.find((c) => c.value === answer)?.value;
  }
}
