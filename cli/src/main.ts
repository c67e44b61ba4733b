/**
 * The `somaagent` command: assembles the subcommands, parses the arguments, and turns every
 * outcome into a documented exit code (0 ok, 1 failure, 2 usage, 3 auth/config, 4 not found,
 * 130 interrupted).
 */
import { Command, CommanderError } from 'commander';
import { registerAgents } from './commands/agents.ts';
import { registerCapsules } from './commands/capsules.ts';
import { registerCompletions } from './commands/completions.ts';
import { registerDeploy } from './commands/deploy.ts';
import { registerDev } from './commands/dev.ts';
import { registerInit } from './commands/init.ts';
import { registerLogin } from './commands/login.ts';
import { registerLogs } from './commands/logs.ts';
import { registerMemory } from './commands/memory.ts';
import { registerModels } from './commands/models.ts';
import { registerProfiles } from './commands/profiles.ts';
import { registerRuns } from './commands/runs.ts';
import { registerRouter } from './commands/router.ts';
import { registerSlo } from './commands/slo.ts';
import { registerOnCall } from './commands/oncall.ts';
import { registerSecrets } from './commands/secrets.ts';
import { registerTools } from './commands/tools.ts';
import { EXIT } from './exit-codes.ts';
import { installInterruptHandling } from './interrupt.ts';
import { reportError } from './report-error.ts';
import { CLI_VERSION } from './version.ts';

const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    API or runtime error (the server answered with an error, or could not be reached)
  2    usage error (bad flags or arguments)
  3    auth or config error (no API key, a refused key, a broken config file)
  4    not found (run, capsule, profile, ...)
  130  interrupted (Ctrl-C)

Environment: SOMAAGENT_API_KEY, SOMAAGENT_BASE_URL, SOMAAGENT_PROFILE override the config file
(SOMAAGENT_CONFIG, default ~/.config/somaagent/config.json). NO_COLOR turns colours off.
Docs: docs/docs/cli.md`;

function buildProgram(): Command {
  const program = new Command('somaagent')
    .description('Work with SomaAgent from the terminal: log in, scaffold and deploy projects, stream completions, watch runs and logs.')
    .version(CLI_VERSION, '-V, --version', 'print the CLI version')
    .option('--json', 'print machine-readable JSON on stdout (errors as JSON on stderr)')
    .option('--profile <name>', 'use this profile from the config file (default: the current one)')
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError()
    // Settings inherited by every subcommand added after this point.
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  program.addHelpText('after', EXIT_CODES_HELP);

  registerLogin(program);
  registerProfiles(program);
  registerInit(program);
  registerDev(program);
  registerDeploy(program);
  registerLogs(program);
  registerRuns(program);
  registerRouter(program);
  registerCompletions(program);
  registerCapsules(program);
  registerAgents(program);
  registerMemory(program);
  registerModels(program);
  registerSlo(program);
  registerOnCall(program);
  registerTools(program);
  registerSecrets(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  installInterruptHandling();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end well; anything commander rejects is a usage error.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportError(err, argv.includes('--json'));
  }
}

const code = await main(process.argv);
// Exit explicitly (idle keep-alive sockets must not hold the process), once output is flushed.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(code);
