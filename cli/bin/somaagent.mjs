#!/usr/bin/env node
console.log("somaagent CLI: coming in the CLI issue. For now use `npm start` in the repository.");
