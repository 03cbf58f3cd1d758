import { describe, expect, it } from "vitest";
import { vmCreateArgs } from "../../../src/sandbox/vm/docker-machine-driver.ts";
import { dockerVolumeName, volumeCreateArgs } from "../../../src/sandbox/volumes/docker-volume-driver.ts";
import { parseMountInfo, vmVolumeArgs, volumeDirName } from "../../../src/sandbox/volumes/host-mounts.ts";

const spec = {
  id: 1000001,
  name: "db-1",
  image: "debian-12",
  serverType: "cx22",
  publicIpv4: "127.0.1.2",
  userData: null,
  rootSshKeys: [],
};

describe("volume storage as data", () => {
  it("makes a labelled Docker volume that records its filesystem", () => {
    expect(volumeCreateArgs(9000001, "xfs")).toEqual([
      "volume",
      "create",
      "--label",
      "dev.slipway.sandbox=1",
      "--label",
      "dev.slipway.sandbox.volume-id=9000001",
      "--label",
      "dev.slipway.sandbox.volume-format=xfs",
      "slipway-volume-9000001",
    ]);
    expect(volumeCreateArgs(9000002, null).at(-2)).toBe("dev.slipway.sandbox.volume-format=raw");
    expect(dockerVolumeName(9000002)).toBe("slipway-volume-9000002");
  });

  it("gives each VM its own directory of the shared root as /mnt, receiving later mounts", () => {
    expect(vmVolumeArgs("/srv/mounts", 1000001)).toEqual(["--volume", "/srv/mounts/1000001:/mnt:rslave"]);
    const args = vmCreateArgs(spec, "/srv/mounts");
    expect(args.slice(-3)).toEqual(["--volume", "/srv/mounts/1000001:/mnt:rslave", "slipway/vm:bookworm"]);
    expect(vmCreateArgs(spec)).not.toContain("/srv/mounts/1000001:/mnt:rslave");
    expect(volumeDirName(9000001)).toBe("HC_Volume_9000001");
  });

  it("reads mount points and their propagation from mountinfo", () => {
    const text = [
      "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
      "138 27 254:0 /srv/mounts /srv/mounts rw,relatime shared:6 - ext4 /dev/vda rw",
      "140 138 254:0 /var/lib/docker/volumes/slipway-volume-9/_data /srv/mounts/10/HC_Volume_9 rw shared:6 master:2 - ext4 /dev/vda rw",
      "141 27 0:50 / /home/a\\040b rw - tmpfs tmpfs rw",
    ].join("\n");
    expect(parseMountInfo(text)).toEqual([
      { mountPoint: "/", propagation: [] },
      { mountPoint: "/srv/mounts", propagation: ["shared:6"] },
      { mountPoint: "/srv/mounts/10/HC_Volume_9", propagation: ["shared:6", "master:2"] },
      { mountPoint: "/home/a b", propagation: [] },
    ]);
  });
});
