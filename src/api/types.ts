// Wire types of the Docker Cloud REST API, shared by the CLI and the emulator.

export const OPERATIONS = ['REDEPLOY', 'SCALEUP'] as const;
export type Operation = (typeof OPERATIONS)[number];

export function isOperation(value: string): value is Operation {
  return (OPERATIONS as readonly string[]).includes(value);
}

export const ACTION_STATES = ['Pending', 'In progress', 'Canceling', 'Canceled', 'Success', 'Failed'] as const;
export type ActionState = (typeof ACTION_STATES)[number];

export interface Trigger {
  uuid: string;
  name: string;
  operation: Operation;
  /** Path of the call endpoint; POSTing to it runs the trigger. */
  url: string;
  resource_uri: string;
}

export interface Service {
  uuid: string;
  resource_uri: string;
  name: string;
  image_name: string;
  state: string;
  /** Resource URI of the stack, or null for a standalone service. */
  stack: string | null;
  target_num_containers: number;
  current_num_containers: number;
  running_num_containers: number;
  /** Emulator extension: the body of the last trigger call, as DOCKERCLOUD_TRIGGER_BODY would carry it. */
  last_trigger_body?: string | null;
}

export interface Action {
  uuid: string;
  resource_uri: string;
  action: string;
  method: string;
  object: string;
  state: ActionState;
  start_date: string;
  end_date: string | null;
}

interface ListMeta {
  limit: number;
  offset: number;
  next: string | null;
  previous: string | null;
  total_count: number;
}

export interface ListPage<T> {
  meta: ListMeta;
  objects: T[];
}

export const ACTION_URI_HEADER = 'x-dockercloud-action-uri';
