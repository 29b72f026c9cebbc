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

export const SERVICE_STATES = [
  'Not running',
  'Starting',
  'Running',
  'Partly running',
  'Scaling',
  'Redeploying',
  'Stopping',
  'Stopped',
  'Terminating',
  'Terminated',
] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

export interface ServicePort {
  protocol: 'tcp' | 'udp';
  inner_port: number;
  outer_port: number | null;
  port_name: string;
  endpoint_uri: string | null;
  published: boolean;
}

export interface ServiceBinding {
  host_path: string | null;
  container_path: string | null;
  rewritable: boolean;
  volumes_from: string | null;
}

export interface ServiceLink {
  name: string;
  from_service: string;
  to_service: string;
}

/** A service, with every attribute the API reference lists. */
export interface Service {
  uuid: string;
  resource_uri: string;
  name: string;
  nickname: string;
  image_name: string;
  public_dns: string;
  state: string;
  synchronized: boolean;
  /** Resource URI of the stack, or null for a standalone service. */
  stack: string | null;
  deployed_datetime: string | null;
  started_datetime: string | null;
  stopped_datetime: string | null;
  destroyed_datetime: string | null;
  target_num_containers: number;
  current_num_containers: number;
  running_num_containers: number;
  stopped_num_containers: number;
  /** Resource URIs of the service's containers. */
  containers: string[];
  container_ports: ServicePort[];
  container_envvars: { key: string; value: string }[];
  labels: Record<string, string>;
  link_variables: Record<string, string>;
  linked_from_service: ServiceLink[];
  linked_to_service: ServiceLink[];
  bindings: ServiceBinding[];
  autorestart: 'OFF' | 'ON_FAILURE' | 'ALWAYS';
  autodestroy: 'OFF' | 'ON_SUCCESS' | 'ALWAYS';
  autoredeploy: boolean;
  roles: string[];
  tags: { name: string }[];
  deployment_strategy: 'EMPTIEST_NODE' | 'HIGH_AVAILABILITY' | 'EVERY_NODE';
  sequential_deployment: boolean;
  net: 'bridge' | 'host';
  pid: 'none' | 'host';
  privileged: boolean;
  read_only: boolean;
  entrypoint: string;
  run_command: string;
  working_dir: string;
  user: string;
  hostname: string;
  domainname: string;
  mac_address: string;
  cgroup_parent: string;
  cgroup_name: string;
  tty: boolean;
  stdin_open: boolean;
  dns: string[];
  dns_search: string[];
  cap_add: string[];
  cap_drop: string[];
  devices: string[];
  extra_hosts: string[];
  security_opt: string[];
  cpu_shares: number;
  cpuset: string;
  memory: number;
  memory_swap: number;
  /** Emulator extension: the body of the last trigger call, as DOCKERCLOUD_TRIGGER_BODY would carry it. */
  last_trigger_body?: string | null;
}

export interface Stack {
  uuid: string;
  resource_uri: string;
  name: string;
  nickname: string;
  state: string;
  synchronized: boolean;
  /** Resource URIs of the stack's services. */
  services: string[];
  deployed_datetime: string | null;
  destroyed_datetime: string | null;
}

export interface Action {
  uuid: string;
  resource_uri: string;
  action: string;
  method: string;
  path: string;
  object: string;
  user: string;
  user_agent: string;
  ip: string;
  location: string;
  state: ActionState;
  start_date: string;
  end_date: string | null;
  is_user_action: boolean;
  can_be_canceled: boolean;
  can_be_retried: boolean;
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
