/**
 * Public keys generated once with ssh-keygen for the tests, each with the MD5 fingerprint ssh-keygen
 * printed for it (`ssh-keygen -l -E md5 -f key.pub`): the oracle for the emulator's fingerprints.
 * Only public halves are kept; nothing can log in with them.
 */
export interface KeyFixture {
  readonly publicKey: string;
  readonly fingerprint: string;
}

// biome-ignore format: one key per line
export const KEYS = {
  ed25519: { publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINlZvJUtUCzl/hEbtoOCYtF4MfEa9k6NHOtZcFTO/MmP fixture-ed25519", fingerprint: "ee:1e:bc:ff:3c:51:67:db:73:0b:6c:08:e2:c3:39:65" },
  rsa: { publicKey: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC9Y67X4qlJlIdfM5jG7USTqSLEF/BfWWGRuUSX87znywJ+jvZB5hW5FGdvbRc9S4SyYyAbLbqMvQ2VyxuhdNbRMG5+Ml2MBrF87iILqSU+AaIlVPQvgDJ5KWkxJl0wdrZRnMecPrH+zv4bj95EkJI0KD83fB0/3tDKq2+Zs2aewsruA/0np2Ug0XU23iapEfdnTABOb11ETvylDsBPI2/dCBTDrQiuVaGqaoyXJrTBj0a95SGgCV5P9WAQuVffunSFyMrmeIZKv6oe7QS4QDofaaE/sSTiWrU1ufJfP1gmyUw9zWp2t+L0Ma5Np5Upmn7ln13WkORLtMmeXHJdc2ZT fixture-rsa", fingerprint: "ce:5b:c6:4b:e8:4e:43:01:40:e1:88:cc:ec:2b:03:4d" },
  ecdsa: { publicKey: "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBC/6BzoGm3EylnNJajdRMW0IxUz0019F+h7/2MVsSh0Ugcptk3jM7rrm+vVK3o7th+uL3tyGIlB8sIVxMFQ1FGs= fixture-ecdsa", fingerprint: "09:c6:89:fc:8a:90:87:77:cf:c5:15:89:38:97:a2:38" },
  second: { publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOEN1CdJDVxHjbG6QplLIpJuCsJSuzE9/TA9/WW88vth extra-2", fingerprint: "f9:b2:47:cb:7f:c1:03:88:80:4a:61:da:5b:c4:25:b4" },
  third: { publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGE8tSFQvFWpUVEQVIo4+TpXmIjtPWLE5jG39WMOb7ev extra-3", fingerprint: "d6:19:1d:c7:b2:13:9b:2e:3d:4d:a3:ff:17:d8:ef:81" },
  fourth: { publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICxyQ36Hk2zqr4ca2XXxPdNUBCALhMzGG2nLiHL8kc1s extra-4", fingerprint: "9b:51:43:1d:94:e5:cf:96:34:04:dd:73:cd:df:23:0d" },
} as const satisfies Record<string, KeyFixture>;

/** A structurally valid ed25519 public key made from a seed, for tests that need many distinct keys. */
export function syntheticKey(seed: number, comment = `synthetic-${seed}`): string {
  const field = (data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, data]);
  };
  const key = Buffer.alloc(32, seed % 256);
  key.writeUInt32BE(seed);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from("ssh-ed25519")), field(key)]).toString("base64")} ${comment}`;
}
