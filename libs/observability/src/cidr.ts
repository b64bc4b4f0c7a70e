import { BlockList, isIP } from 'node:net';

/** Whether an address belongs to one of a list of CIDR blocks (IPv4-mapped IPv6 addresses count as IPv4). */
export class NetworkAllowList {
  private readonly blocks = new BlockList();
  readonly empty: boolean;

  constructor(cidrs: readonly string[]) {
    this.empty = cidrs.length === 0;
    for (const cidr of cidrs) {
      const [address, bits] = cidr.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.blocks.addAddress(address, family);
      else this.blocks.addSubnet(address, Number(bits), family);
    }
  }

  allows(ip: string | undefined): boolean {
    if (!ip || this.empty) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    const address = mapped ? mapped[1] : ip;
    const family = isIP(address);
    if (!family) return false;
    return this.blocks.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }
}
