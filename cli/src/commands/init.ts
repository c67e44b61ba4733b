/**
 * `somaagent init`: a new project from a template in `examples/` (prompt templates, a model
 * policy, a capsule, a small SDK program). On a terminal it asks for the name, template and
 * model; otherwise (or with --yes) flags and defaults decide. It never writes into a non-empty
 * directory without --force.
 */
import type { Command } from 'commander';
import { basename, relative, resolve } from 'node:path';
import { askChoice, askText } from '../ask.ts';
import { contextOf } from '../context.ts';
import { CliError, EXIT, usageError } from '../exit-codes.ts';
import { isEmptyDir, listTemplates, scaffold } from '../project/scaffold.ts';
import { EXAMPLES_DIR } from '../repo-root.ts';
import { isInteractive } from '../terminal.ts';

interface InitOptions {
  template?: string;
  name?: string;
  model?: string;
  yes?: boolean;
  force?: boolean;
}

const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const nameProblem = (name: string) => (PROJECT_NAME.test(name) ? undefined : 'use lowercase letters, digits, "-" and "_" (at most 63), starting with a letter or digit');

/** A usable default name from the directory's name. */
function nameFrom(dir: string): string {
  const slug = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|-+$/g, '').slice(0, 63);
  return slug || 'my-agent';
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a project from a template: prompt templates, a model policy, a capsule and an SDK program')
    .argument('[dir]', 'where to create it', '.')
    .option('--template <name>', 'template from examples/ (default: starter)')
    .option('--name <name>', 'project name (default: the directory name)')
    .option('--model <id>', "model of the project's policy (a,b for a fallback chain)")
    .option('-y, --yes', 'ask nothing: use the flags and the defaults')
    .option('--force', 'write into a directory that is not empty')
    .action(async (dirArg: string, options: InitOptions, command: Command) => {
      const { out } = contextOf(command);
      const dir = resolve(dirArg);
      const templates = await listTemplates();
      if (templates.length === 0) throw new CliError(`no project templates in ${EXAMPLES_DIR}`, EXIT.failure);
      if (!options.force && !(await isEmptyDir(dir))) {
        throw usageError(`${dir} is not empty`, 'Choose a new directory, or pass --force to write into it anyway.');
      }
      const interactive = isInteractive() && process.stdout.isTTY === true && !options.yes && !out.json;

      let name = options.name ?? nameFrom(dir);
      if (options.name === undefined && interactive) name = await askText('Project name', { default: name, validate: nameProblem });
      const problem = nameProblem(name);
      if (problem) throw usageError(`"${name}" is not a project name: ${problem}`);

      let templateName = options.template ?? templates[0]!.name;
      if (options.template === undefined && interactive) {
        templateName = await askChoice('Template', templates.map((t) => ({ value: t.name, description: t.description })), templateName);
      }
      const template = templates.find((t) => t.name === templateName);
      if (!template) throw usageError(`no template "${templateName}"`, `Templates: ${templates.map((t) => t.name).join(', ')}.`);

      let model = options.model;
      if (model === undefined && interactive && template.model) {
        const answer = await askText('Model (a model id, "auto", or a,b for a fallback chain)', { default: template.model });
        if (answer !== template.model) model = answer;
      }

      const files = await scaffold({ template, dir, name, model });
      const result = { dir, name, template: template.name, model: model ?? template.model ?? null, files };
      out.result(result, (r) => {
        out.line(`${out.style.green('✓')} Created ${out.style.bold(r.name)} in ${r.dir} from the ${r.template} template:`);
        for (const file of r.files) out.line(`    ${file}`);
        const cd = relative(process.cwd(), r.dir);
        out.line('');
        out.line('Next:');
        if (cd) out.line(`  cd ${cd}`);
        out.line('  somaagent deploy            # push its prompts, policy and capsule');
        out.line('  npm install && npm start    # run src/index.ts against the API');
      });
    });
}
