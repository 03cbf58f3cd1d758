/**
 * Cloudflare's error envelope: `{success:false, errors:[{code,message}], messages:[], result:null}`, with
 * the numeric codes the real API answers (its HTTP status varies by code, so each constructor fixes both).
 * Handlers throw a CfError; the HTTP layer renders it. Codes are what clients branch on, so every one
 * here is one Cloudflare documents or is seen answering; messages copy Cloudflare's wording.
 */
export interface ErrorItem {
  readonly code: number;
  readonly message: string;
  readonly error_chain?: readonly ErrorItem[];
}

export class CfError extends Error {
  readonly status: number;
  readonly errors: readonly ErrorItem[];

  constructor(status: number, errors: readonly ErrorItem[]) {
    super(errors.map((e) => `${e.message} (${e.code})`).join("; "));
    this.name = "CfError";
    this.status = status;
    this.errors = errors;
  }

  toBody() {
    return { success: false, errors: this.errors, messages: [], result: null };
  }
}

const one = (status: number, code: number, message: string) => new CfError(status, [{ code, message }]);

/** No credentials at all: Cloudflare names the headers it looked for. */
export const missingCredentials = () =>
  new CfError(400, [
    { code: 9106, message: "Missing X-Auth-Email header" },
    { code: 9107, message: "Missing X-Auth-Key header" },
  ]);

/** An Authorization header that is not `Bearer <token>` with a token's characters. */
export const malformedAuthorization = () =>
  new CfError(400, [
    {
      code: 6003,
      message: "Invalid request headers",
      error_chain: [{ code: 6111, message: "Invalid format for Authorization header" }],
    },
  ]);

/** A well-formed token Cloudflare does not know (or that was rolled). */
export const authenticationError = () => one(403, 10000, "Authentication error");

/** A valid token whose scope does not include the zone or operation. */
export const unauthorized = () => one(403, 9109, "Unauthorized to access requested resource");

/** Unknown zone (or any identifier the router cannot place): Cloudflare answers this, not a 404. */
export const couldNotRoute = (path: string) =>
  new CfError(400, [
    { code: 7003, message: `Could not route to ${path}, perhaps your object identifier is invalid?` },
    { code: 7000, message: "No route for that URI" },
  ]);

export const noRoute = () => one(404, 7000, "No route for that URI");
export const methodNotAllowed = () => one(405, 10405, "Method not allowed");
export const malformedJson = () => one(400, 6007, "Malformed JSON in request body");
export const recordNotFound = () => one(404, 81044, "Record does not exist.");
export const identicalRecord = () => one(400, 81058, "An identical record already exists.");
export const cnameConflict = () =>
  one(400, 81053, "An A, AAAA, or CNAME record with that host already exists.");
export const hostHasCname = () => one(400, 81054, "A CNAME record with that host already exists.");
export const zoneExists = (name: string) => one(400, 1061, `${name} already exists`);
export const invalidZoneName = (name: string) =>
  one(400, 1097, `${name} is not a registrable domain: add the root domain (example.com), not a subdomain`);

/** DNS record validation: Cloudflare's 9000-range codes. */
export const dnsValidation = (code: number, message: string) => one(400, code, message);
