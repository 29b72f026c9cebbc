// Endpoint paths of the Docker Cloud REST API, shared by the CLI and the emulator.

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A user or organisation name, as it appears in namespaced paths. */
export const NAMESPACE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

function appBase(namespace?: string): string {
  return namespace ? `/api/app/v1/${namespace}/` : '/api/app/v1/';
}

export function servicesPath(namespace?: string): string {
  return `${appBase(namespace)}service/`;
}

export function servicePath(serviceUuid: string, namespace?: string): string {
  return `${servicesPath(namespace)}${serviceUuid}/`;
}

export function triggersPath(serviceUuid: string, namespace?: string): string {
  return `${servicePath(serviceUuid, namespace)}trigger/`;
}

export function triggerPath(serviceUuid: string, triggerUuid: string, namespace?: string): string {
  return `${triggersPath(serviceUuid, namespace)}${triggerUuid}/`;
}

export function triggerCallPath(serviceUuid: string, triggerUuid: string, namespace?: string): string {
  return `${triggerPath(serviceUuid, triggerUuid, namespace)}call/`;
}

export function stacksPath(namespace?: string): string {
  return `${appBase(namespace)}stack/`;
}

export function stackPath(stackUuid: string, namespace?: string): string {
  return `${stacksPath(namespace)}${stackUuid}/`;
}

export function containerPath(containerUuid: string, namespace?: string): string {
  return `${appBase(namespace)}container/${containerUuid}/`;
}

export function actionsPath(namespace?: string): string {
  return namespace ? `/api/audit/v1/${namespace}/action/` : '/api/audit/v1/action/';
}

export function actionPath(actionUuid: string, namespace?: string): string {
  return `${actionsPath(namespace)}${actionUuid}/`;
}

const SEG = '([^/]+)';
const U = '([0-9a-fA-F-]{36})';
/** Matches a trigger call path, with or without a namespace and an optional count. */
export const CALL_PATH_RE = new RegExp(`^/api/app/v1/(?:${SEG}/)?service/${U}/trigger/${U}/call/(?:([0-9]+)/)?$`);
