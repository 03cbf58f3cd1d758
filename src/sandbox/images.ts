/**
 * Builds every image the sandbox needs from Debian packages, since nothing can be pulled from Docker Hub:
 * the base image by debootstrap + docker import, the rest by Dockerfiles in ./images on top of it.
 * Each image carries a label with the hash of its recipe, so `sandbox up` rebuilds only what changed.
 */
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../errors.ts";
import { exec, run } from "../util/exec.ts";
import { docker, inspectFormat } from "./docker.ts";
import { SANDBOX_LABEL } from "./layout.ts";

export const BASE_IMAGE = "slipway/debian:bookworm";
const RECIPE_LABEL = "dev.slipway.recipe";
const RECIPES_DIR = join(dirname(fileURLToPath(import.meta.url)), "images");

interface Recipe {
  tag: string;
  dockerfile: string;
  files: string[];
}

export const IMAGES = {
  vm: { tag: "slipway/vm:bookworm", dockerfile: "vm.Dockerfile", files: ["vm-boot.sh"] },
  caddy: { tag: "slipway/caddy:2", dockerfile: "caddy.Dockerfile", files: [] },
  pebble: { tag: "slipway/pebble:2", dockerfile: "pebble.Dockerfile", files: [] },
  registry: { tag: "slipway/registry:2", dockerfile: "registry.Dockerfile", files: [] },
  forwarder: { tag: "slipway/forwarder:1", dockerfile: "forwarder.Dockerfile", files: [] },
  haproxy: { tag: "slipway/haproxy:2", dockerfile: "haproxy.Dockerfile", files: [] },
} as const satisfies Record<string, Recipe>;

export type Log = (line: string) => void;

export async function ensureImages(buildDir: string, log: Log): Promise<void> {
  await ensureBaseImage(buildDir, log);
  const baseId = (await inspectFormat(BASE_IMAGE, "{{.Id}}")) ?? "";
  // Apt downloads dominate, so building the four in parallel roughly halves the wait on two cores.
  await Promise.all(Object.values(IMAGES).map((recipe) => ensureRecipe(recipe, baseId, log)));
}

async function ensureBaseImage(buildDir: string, log: Log): Promise<void> {
  if ((await inspectFormat(BASE_IMAGE, "{{.Id}}")) !== null) return;
  const debootstrap = await exec(["sh", "-c", "command -v debootstrap || test -x /usr/sbin/debootstrap"]);
  if (debootstrap.code !== 0) {
    throw new UserError("debootstrap is needed to build the sandbox's Debian base image", {
      hint: "Install it with: apt-get install -y debootstrap",
    });
  }
  const rootfs = join(buildDir, "rootfs");
  await rm(rootfs, { recursive: true, force: true });
  await mkdir(buildDir, { recursive: true });
  log(`building ${BASE_IMAGE} with debootstrap (about 30 s)`);
  await run(["debootstrap", "--variant=minbase", "bookworm", rootfs, "http://deb.debian.org/debian"], {
    timeoutMs: 15 * 60_000,
  });
  await run([
    "sh",
    "-c",
    `tar -C "$1" -c . | docker import --change "LABEL ${SANDBOX_LABEL}=1" - "$2"`,
    "import",
    rootfs,
    BASE_IMAGE,
  ]);
  await rm(rootfs, { recursive: true, force: true });
}

async function recipeHash(recipe: Recipe, baseId: string): Promise<string> {
  const hash = createHash("sha256").update(baseId);
  for (const file of [recipe.dockerfile, ...recipe.files]) {
    hash.update(file).update(await readFile(join(RECIPES_DIR, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

async function ensureRecipe(recipe: Recipe, baseId: string, log: Log): Promise<void> {
  const want = await recipeHash(recipe, baseId);
  const have = await inspectFormat(recipe.tag, `{{index .Config.Labels "${RECIPE_LABEL}"}}`);
  if (have === want) return;
  log(`building ${recipe.tag}`);
  const context = await mkdtemp(join(tmpdir(), "slipway-image-"));
  try {
    for (const file of [recipe.dockerfile, ...recipe.files]) {
      await cp(join(RECIPES_DIR, file), join(context, file));
    }
    await docker(
      [
        "build",
        "--quiet",
        "--label",
        `${SANDBOX_LABEL}=1`,
        "--label",
        `${RECIPE_LABEL}=${want}`,
        "--tag",
        recipe.tag,
        "--file",
        join(context, recipe.dockerfile),
        context,
      ],
      { timeoutMs: 20 * 60_000 },
    );
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}
