/**
 * Bucket lifecycle configurations: validated the way PutBucketLifecycleConfiguration validates them
 * (1 to 1,000 rules, unique IDs, Status Enabled|Disabled, a Filter or legacy Prefix, at least one action,
 * positive day counts), then stored and returned as the normalised XML of what was sent. The sandbox
 * keeps rules, it does not run them: objects do not expire by themselves here.
 */
import { S3Error } from "./errors.ts";
import { childElements, childText, type XmlElement } from "./xml.ts";

const ACTIONS = [
  "Expiration",
  "Transition",
  "NoncurrentVersionExpiration",
  "NoncurrentVersionTransition",
  "AbortIncompleteMultipartUpload",
];

const malformed = (why: string) =>
  new S3Error(
    "MalformedXML",
    {},
    `The XML you provided was not well-formed or did not validate against our published schema: ${why}`,
  );

function positiveDays(element: XmlElement | undefined, field: string, rule: string): void {
  if (!element) return;
  const days = childText(element, field);
  if (days === undefined) return;
  if (!/^\d+$/.test(days) || Number(days) < 1) {
    throw new S3Error(
      "InvalidArgument",
      { ArgumentName: field, ArgumentValue: days },
      `'${field}' for rule '${rule}' must be a positive integer`,
    );
  }
}

export function validateLifecycle(root: XmlElement): void {
  if (root.name !== "LifecycleConfiguration")
    throw malformed("the root element must be LifecycleConfiguration");
  const rules = childElements(root, "Rule");
  if (rules.length === 0 || rules.length > 1000) throw malformed("a configuration has 1 to 1000 rules");
  const ids = new Set<string>();
  rules.forEach((rule, index) => {
    const id = childText(rule, "ID") ?? `#${index + 1}`;
    if (id.length > 255)
      throw new S3Error(
        "InvalidArgument",
        { ArgumentName: "ID" },
        "ID length should not exceed allowed limit of 255",
      );
    if (ids.has(id))
      throw new S3Error(
        "InvalidArgument",
        { ArgumentName: "ID", ArgumentValue: id },
        "Rule ID must be unique. Found same ID for more than one rule",
      );
    ids.add(id);
    const status = childText(rule, "Status");
    if (status !== "Enabled" && status !== "Disabled")
      throw malformed(`rule '${id}' needs Status Enabled or Disabled`);
    const hasFilter = childElements(rule, "Filter").length > 0;
    const hasPrefix = childElements(rule, "Prefix").length > 0;
    if (hasFilter && hasPrefix) throw malformed(`rule '${id}' has both Filter and Prefix`);
    if (!hasFilter && !hasPrefix)
      throw malformed(`rule '${id}' needs a Filter (use <Filter></Filter> for the whole bucket)`);
    const actions = rule.children.filter((child) => ACTIONS.includes(child.name));
    if (actions.length === 0) {
      throw new S3Error("InvalidRequest", {}, `At least one action needs to be specified in rule '${id}'.`);
    }
    const find = (name: string) => rule.children.find((child) => child.name === name);
    positiveDays(find("Expiration"), "Days", id);
    positiveDays(find("AbortIncompleteMultipartUpload"), "DaysAfterInitiation", id);
    positiveDays(find("NoncurrentVersionExpiration"), "NoncurrentDays", id);
    const abort = find("AbortIncompleteMultipartUpload");
    if (abort && childText(abort, "DaysAfterInitiation") === undefined)
      throw malformed(`rule '${id}': AbortIncompleteMultipartUpload needs DaysAfterInitiation`);
  });
}
