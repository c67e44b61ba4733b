import { readFileSync } from 'node:fs';

/** The CLI's version, from its package.json. */
export const CLI_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const USER_AGENT = `somaagent-cli/${CLI_VERSION} node/${process.versions.node}`;
