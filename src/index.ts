/**
 * The package entry ("slipway"): what a stack file imports. Kept to the config surface so that loading
 * a stack file never pulls in the engine, providers or the CLI.
 */
export type {
  DurationString,
  SecretRef,
  ServerInput,
  ServiceInput,
  SizeString,
  Stack,
  StackInput,
} from "./config/index.ts";
export { defineStack, isSecretRef, secret } from "./config/index.ts";
