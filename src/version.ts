declare const TRIGGER_VERSION: string | undefined;

/** Set by the build; sources run directly (tests) report a development version. */
export const VERSION: string = typeof TRIGGER_VERSION === 'string' ? TRIGGER_VERSION : '0.0.0-dev';
