#!/usr/bin/env node
// The `svcplane` bin: registers tsx so the TypeScript sources run without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./svcplane.ts');
process.exitCode = await main(process.argv);
