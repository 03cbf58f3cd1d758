/**
 * Hetzner block-storage volumes. One entry gives one volume *per server* of the groups listed, named
 * `<stack>-<volume>-<group>-<n>`, because a Hetzner volume attaches to exactly one server: "2x 50 GB" is
 * `{ size: 50, servers: ["master", "replica"] }`. A volume lives in its server's location.
 */
import { z } from "zod";
import { integer, Labels, nameList, oneOf, text } from "./primitives.ts";

export const Volume = z.strictObject({
  /** Size in GB (Hetzner: 10 to 10240); volumes can grow but never shrink. @example 50 */
  size: integer(10, 10240, 50, " GB"),
  /** Server groups that each get one volume of this kind. @example ["db"] */
  servers: nameList("server group", "db"),
  /** Where the volume is mounted on the host. Default "/mnt/<volume name>". @example "/mnt/data" */
  mountPath: text(/^\/(?:[A-Za-z0-9._-]+\/?)+$/, 'expected an absolute path such as "/mnt/data"').optional(),
  /** File system created on first attach. Default "ext4". */
  format: oneOf(["ext4", "xfs"]).default("ext4"),
  /** Delete protection in Hetzner. Default false. */
  protect: z.boolean({ error: "expected true or false" }).default(false),
  /** Extra Hetzner labels. Default {}. */
  labels: Labels,
});
export type Volume = z.infer<typeof Volume>;
