import { processIO } from './io.js';
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), { io: processIO(), env: process.env });
