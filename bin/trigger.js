#!/usr/bin/env node
import '../dist/trigger.js';
