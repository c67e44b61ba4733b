#!/usr/bin/env node
// The CLI is TypeScript run without a build step: tsx (a dependency of the repository) compiles
// it on the fly, in this process, so signals and exit codes need no relaying. The CLI's own
// tsconfig maps @somaagent/sdk to the SDK's source, so it runs without building the SDK (the
// package's exports point at dist/, which only a build makes), whatever the working directory.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/main.ts');
