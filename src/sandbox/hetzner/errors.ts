/**
 * The Hetzner error envelope `{error:{code,message,details}}` and the codes the emulator answers with.
 * Handlers throw an ApiError; the HTTP layer renders it. Status and code always travel together, as in
 * the table of the spec's "Errors" section, so a handler cannot pair `locked` with the wrong status.
 */
export type ErrorCode =
  | "invalid_input"
  | "json_error"
  | "unauthorized"
  | "not_found"
  | "method_not_allowed"
  | "uniqueness_error"
  | "locked"
  | "unsupported_error"
  | "rate_limit_exceeded"
  | "resource_unavailable"
  | "server_error"
  | "unavailable"
  | "timeout"
  // networks, firewalls, placement groups, primary IPs (general codes, then operation specific ones)
  | "conflict"
  | "protected"
  | "service_error"
  | "resource_limit_exceeded"
  | "firewall_resource_not_found"
  | "primary_ip_version_mismatch"
  | "resource_in_use"
  | "server_already_attached"
  | "ip_not_available"
  | "no_subnet_available"
  | "networks_overlap"
  | "firewall_already_applied"
  | "firewall_managed_by_label_selector"
  | "private_net_only_server"
  | "server_already_added"
  | "server_not_stopped"
  | "server_has_ipv4"
  | "primary_ip_already_assigned"
  | "primary_ip_assigned"
  | "primary_ip_datacenter_mismatch"
  | "must_be_unassigned"
  | "placement_error"
  | "already_in_placement_group"
  // load balancers and volumes
  | "source_port_already_used"
  | "target_already_defined"
  | "cloud_resource_ip_not_allowed"
  | "resolve_cloud_public_targets_error"
  | "resolve_cloud_private_targets_error"
  | "load_balancer_not_attached_to_network"
  | "load_balancer_public_interface_disabled"
  | "load_balancer_already_attached"
  | "targets_without_use_private_ip"
  | "invalid_load_balancer_type"
  | "volume_already_attached";

const STATUS: Record<ErrorCode, number> = {
  json_error: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  uniqueness_error: 409,
  resource_unavailable: 412,
  invalid_input: 422,
  unsupported_error: 422,
  locked: 423,
  rate_limit_exceeded: 429,
  server_error: 500,
  unavailable: 503,
  timeout: 504,
  conflict: 409,
  protected: 423,
  service_error: 422,
  resource_limit_exceeded: 403,
  firewall_resource_not_found: 404,
  primary_ip_version_mismatch: 412,
  resource_in_use: 422,
  server_already_attached: 422,
  ip_not_available: 422,
  no_subnet_available: 422,
  networks_overlap: 422,
  firewall_already_applied: 422,
  firewall_managed_by_label_selector: 422,
  private_net_only_server: 422,
  server_already_added: 422,
  server_not_stopped: 422,
  server_has_ipv4: 422,
  primary_ip_already_assigned: 422,
  primary_ip_assigned: 422,
  primary_ip_datacenter_mismatch: 422,
  must_be_unassigned: 422,
  placement_error: 422,
  already_in_placement_group: 422,
  source_port_already_used: 412,
  target_already_defined: 422,
  cloud_resource_ip_not_allowed: 422,
  resolve_cloud_public_targets_error: 422,
  resolve_cloud_private_targets_error: 422,
  load_balancer_not_attached_to_network: 422,
  load_balancer_public_interface_disabled: 422,
  load_balancer_already_attached: 422,
  targets_without_use_private_ip: 422,
  invalid_load_balancer_type: 422,
  volume_already_attached: 422,
};

/** One entry of `details.fields` for invalid_input (messages) or uniqueness_error (name only). */
export interface FieldError {
  readonly name: string;
  readonly messages?: readonly string[];
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | null;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> | null = null) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = STATUS[code];
    this.details = details;
  }

  toBody(): { error: { code: string; message: string; details: Record<string, unknown> | null } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** invalid_input with one or more field errors; the message names the first, like Hetzner's. */
export function invalidInput(fields: readonly FieldError[]): ApiError {
  const first = fields[0];
  const message = first
    ? `invalid input in field '${first.name}'${first.messages?.length ? `: ${first.messages.join(", ")}` : ""}`
    : "invalid input";
  return new ApiError("invalid_input", message, { fields });
}

/** invalid_input for a single field: the common case. */
export function invalidField(name: string, message: string): ApiError {
  return invalidInput([{ name, messages: [message] }]);
}

export function notFound(what: string): ApiError {
  return new ApiError("not_found", `${what} not found`);
}

export function uniquenessError(message: string, field: string): ApiError {
  return new ApiError("uniqueness_error", message, { fields: [{ name: field }] });
}

export function locked(what: string): ApiError {
  return new ApiError("locked", `${what} is locked by a running action`);
}

export function unsupported(message: string): ApiError {
  return new ApiError("unsupported_error", message);
}
