/** `somaagent profiles list|use`: the saved profiles, and which one commands use by default. */
import type { Command } from 'commander';
import { configPath, readConfig, writeConfig } from '../config-file.ts';
import { contextOf } from '../context.ts';
import { keyPrefix, profileName } from '../credentials.ts';
import { CliError, EXIT } from '../exit-codes.ts';

export function registerProfiles(program: Command): void {
  const profiles = program.command('profiles').description('list the saved profiles, or choose the current one');

  profiles
    .command('list')
    .description('list the saved profiles (keys shown as a prefix only)')
    .action(async (_options: unknown, command: Command) => {
      const { out, profileFlag } = contextOf(command);
      const path = configPath();
      const config = await readConfig(path);
      const active = profileName(profileFlag, config);
      const list = Object.entries(config.profiles).map(([name, p]) => ({ name, base_url: p.base_url, key_prefix: keyPrefix(p.api_key), current: name === active }));
      out.result({ object: 'list', config_file: path, current: active, data: list }, (r) => {
        if (r.data.length === 0) {
          out.note(`No profiles in ${path}. Run \`somaagent login\` to add one.`);
          return;
        }
        out.table(
          ['', 'PROFILE', 'BASE URL', 'KEY'],
          r.data.map((p) => [p.current ? '*' : '', p.name, p.base_url, p.key_prefix]),
        );
      });
    });

  profiles
    .command('use')
    .description('make a saved profile the current one')
    .argument('<name>', 'profile name')
    .action(async (name: string, _options: unknown, command: Command) => {
      const { out } = contextOf(command);
      const path = configPath();
      const config = await readConfig(path);
      if (!config.profiles[name]) {
        const known = Object.keys(config.profiles);
        throw new CliError(`no profile "${name}" in ${path}`, EXIT.notFound, known.length ? `Saved profiles: ${known.join(', ')}.` : 'Run `somaagent login --profile NAME` to add one.');
      }
      config.current_profile = name;
      await writeConfig(path, config);
      out.result({ current: name }, () => out.line(`${out.style.green('✓')} Now using profile ${out.style.bold(name)} (${config.profiles[name]!.base_url}).`));
    });
}
