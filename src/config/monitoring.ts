/**
 * Logs and metrics. Container logs are rotated on every host (Docker's json-file driver) and can be
 * browsed with Dozzle; metrics are Prometheus with node-exporter and cAdvisor on every host, Grafana and
 * Alertmanager on one server. A UI on a public domain always sits behind a password.
 */
import { z } from "zod";
import { Duration } from "./duration.ts";
import { Hostname, integer, resourceName, text } from "./primitives.ts";
import { secretOr } from "./secret.ts";
import { Size } from "./size.ts";

/** A UI served on `domain` must have its password field set: the internet would reach it otherwise. */
function passwordWithDomain<T extends { domain?: string }>(field: keyof T & string, secretName: string) {
  return (value: T, ctx: z.RefinementCtx<T>) => {
    if (value.domain && value[field] === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [field],
        message: `required with domain, e.g. ${field}: secret("${secretName}")`,
      });
    }
  };
}

export const Dozzle = z
  .strictObject({
    /** Server group (of count 1) running the UI; agents run on every server. Default: the first server group. */
    server: resourceName("server group", "web").optional(),
    /** Serve the UI here through Caddy. Default: no domain (use `slipway ssh` port forwarding). @example "logs.example.com" */
    domain: Hostname.optional(),
    /** UI login. Default "admin". */
    username: text(/^[^\s:]+$/, 'expected a user name such as "admin"').default("admin"),
    /** UI password; required with `domain`. @example secret("DOZZLE_PASSWORD") */
    password: secretOr("s3cret", "DOZZLE_PASSWORD").optional(),
  })
  .superRefine(passwordWithDomain("password", "DOZZLE_PASSWORD"));
export type Dozzle = z.infer<typeof Dozzle>;

export const Logs = z.strictObject({
  /** Rotate a container's log file at this size, parsed to MiB. Default "10M". */
  maxSize: Size.default(10),
  /** Rotated files kept per container. Default 5. */
  maxFiles: integer(1, 100, 5).default(5),
  /** Dozzle, a log viewer for every container on every server. Default: not installed. */
  dozzle: Dozzle.optional(),
});
export type Logs = z.infer<typeof Logs>;

export const Alerts = z.strictObject({
  /** Send alerts to these addresses (via the SMTP settings in SMTP_URL). @example ["ops@example.com"] */
  email: z.array(z.email({ error: 'expected an e-mail address such as "ops@example.com"' })).default([]),
  /** Slack incoming-webhook URL. @example secret("SLACK_WEBHOOK_URL") */
  slackWebhook: secretOr("https://hooks.slack.com/services/…", "SLACK_WEBHOOK_URL").optional(),
});

export const Monitoring = z
  .strictObject({
    /** Server group (of count 1) running Prometheus, Grafana and Alertmanager. @example "monitor" */
    server: resourceName("server group", "monitor"),
    /** Serve Grafana here through Caddy. @example "grafana.example.com" */
    domain: Hostname.optional(),
    /** Grafana admin password; required with `domain`. @example secret("GRAFANA_PASSWORD") */
    grafanaPassword: secretOr("s3cret", "GRAFANA_PASSWORD").optional(),
    /** How long metrics are kept. Default "15d". */
    retention: Duration.default(15 * 86_400_000),
    /** Where alerts go (host down, disk full, health checks failing). Default: nowhere. */
    alerts: Alerts.prefault({}),
  })
  .superRefine(passwordWithDomain("grafanaPassword", "GRAFANA_PASSWORD"));
export type Monitoring = z.infer<typeof Monitoring>;
