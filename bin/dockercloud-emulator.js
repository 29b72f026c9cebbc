#!/usr/bin/env node
import '../dist/dockercloud-emulator.js';
