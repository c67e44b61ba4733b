#!/usr/bin/env node
// The CLI is TypeScript run without a build step: tsx (a dependency of the repository) compiles
// it on the fly, in this process, so signals and exit codes need no relaying.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
