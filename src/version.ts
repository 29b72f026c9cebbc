declare const TRIGGER_VERSION: string | undefined;

/** Set by the build; sources run directly (tests) report a development version. */
export const VERSION: string = typeof TRIGGER_VERSION === 'string' ? TRIGGER_VERSION : '0.0.0-dev';

/** What runs the CLI: 'Node.js v20.18.1 (linux/x64)'. */
export const runtime = (): string => `Node.js ${process.version} (${process.platform}/${process.arch})`;
