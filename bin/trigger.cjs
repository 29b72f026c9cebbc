#!/usr/bin/env node
require('../dist/trigger.cjs');
