/**
 * The sandbox's authoritative DNS server, UDP and TCP on one address (53 in the sandbox, any port in
 * tests), answering from the Cloudflare emulator's state on every query, so a record is resolvable the
 * moment the API call that made it returns. Wire format is dns-packet's; answers come from answer.ts.
 * UDP answers that do not fit the client's buffer (512 bytes, or its EDNS size) are sent truncated
 * (TC), which makes resolvers retry over TCP, as with any authoritative server.
 */
import { createSocket, type Socket } from "node:dgram";
import { createServer, type Server, type Socket as TcpSocket } from "node:net";
import dnsPacket, { type Packet } from "dns-packet";
import type { State } from "../cloudflare/state.ts";
import { answer, RCODE } from "./answer.ts";

export interface DnsServerOptions {
  readonly host: string;
  /** 0 picks a free port (the same one for UDP and TCP). */
  readonly port: number;
  readonly state: () => State;
  readonly edgeAddress: string;
}

export interface DnsServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

type Decoded = Packet & { opcode?: string };

/** The response packet for one query packet (pure apart from reading the state). */
export function respond(
  query: Buffer,
  options: Pick<DnsServerOptions, "state" | "edgeAddress">,
): Buffer | null {
  let packet: Decoded;
  try {
    packet = dnsPacket.decode(query) as Decoded;
  } catch {
    return null; // not DNS at all: nothing sensible to answer
  }
  const base = { type: "response" as const, id: packet.id ?? 0, questions: packet.questions ?? [] };
  const rd = (packet.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  const question = packet.questions?.[0];
  if (packet.type === "response" || !question || packet.questions?.length !== 1) {
    return dnsPacket.encode({ ...base, flags: rd | RCODE.FORMERR });
  }
  if (packet.opcode !== undefined && packet.opcode !== "QUERY") {
    return dnsPacket.encode({ ...base, flags: rd | RCODE.NOTIMP });
  }
  const result = answer(
    { state: options.state(), edgeAddress: options.edgeAddress },
    question.name,
    question.type,
  );
  const flags = rd | result.rcode | (result.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0);
  return dnsPacket.encode({ ...base, flags, answers: result.answers, authorities: result.authorities });
}

/** The largest UDP answer the client accepts: its EDNS buffer size, else 512. */
function udpLimit(query: Buffer): number {
  try {
    const opt = (dnsPacket.decode(query).additionals ?? []).find((a) => a.type === "OPT") as
      | { udpPayloadSize?: number }
      | undefined;
    return Math.max(512, opt?.udpPayloadSize ?? 512);
  } catch {
    return 512;
  }
}

function truncated(response: Buffer): Buffer {
  const packet = dnsPacket.decode(response);
  return dnsPacket.encode({
    type: "response",
    id: packet.id ?? 0,
    flags: (packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
    questions: packet.questions ?? [],
  });
}

export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const connections = new Set<TcpSocket>();
  const tcp: Server = createServer((socket) => {
    connections.add(socket);
    socket.on("close", () => connections.delete(socket));
    socket.setTimeout(10_000, () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) break;
        const query = buffered.subarray(2, 2 + length);
        buffered = buffered.subarray(2 + length);
        const response = respond(query, options);
        if (!response) return socket.destroy();
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(response.length);
        socket.write(Buffer.concat([prefix, response]));
      }
    });
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(options.port, options.host, resolve);
  });
  const address = tcp.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const udp: Socket = createSocket(options.host.includes(":") ? "udp6" : "udp4");
  udp.on("message", (query, remote) => {
    const response = respond(query, options);
    if (!response) return;
    const out = response.length > udpLimit(query) ? truncated(response) : response;
    udp.send(out, remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    udp.once("error", reject);
    udp.bind(port, options.host, () => resolve());
  });
  return {
    host: options.host,
    port,
    close: async () => {
      for (const socket of connections) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}
