// A binary IPMI FRU image (Platform Management FRU Information Storage Definition v1.0):
// common header, chassis, board and product info areas, so each lab BMC reports its own
// vendor, product and serial through `ipmitool fru print 0`.

export interface FruFields {
  vendor: string;
  product: string;
  serial: string;
  partNumber?: string;
}

/** Type/length byte 0xC0|len: 8-bit ASCII, up to 63 bytes. */
function field(text: string): number[] {
  const bytes = [...Buffer.from(text.slice(0, 63), 'latin1')];
  return [0xc0 | bytes.length, ...bytes];
}

/** Closes an area: end marker 0xC1, pad to a multiple of 8, zero checksum; sets the length byte. */
function area(body: number[]): number[] {
  const bytes = [...body, 0xc1];
  while ((bytes.length + 1) % 8 !== 0) bytes.push(0);
  bytes[1] = (bytes.length + 1) / 8;
  const sum = bytes.reduce((s, b) => s + b, 0);
  bytes.push((0x100 - (sum & 0xff)) & 0xff);
  return bytes;
}

export function fruImage(f: FruFields): Buffer {
  const part = f.partNumber ?? `${f.product}-P`;
  // chassis type 0x17: rack mount chassis
  const chassis = area([0x01, 0, 0x17, ...field(part), ...field(f.serial)]);
  // language 0 (English), manufacturing date 0 (unspecified)
  const board = area([0x01, 0, 0x00, 0, 0, 0, ...field(f.vendor), ...field(`${f.product} board`), ...field(`B${f.serial}`), ...field(part), ...field('')]);
  const product = area([0x01, 0, 0x00, ...field(f.vendor), ...field(f.product), ...field(part), ...field('1.0'), ...field(f.serial), ...field(''), ...field('')]);
  const chassisOff = 1;
  const boardOff = chassisOff + chassis.length / 8;
  const productOff = boardOff + board.length / 8;
  const header = [0x01, 0, chassisOff, boardOff, productOff, 0, 0];
  header.push((0x100 - (header.reduce((s, b) => s + b, 0) & 0xff)) & 0xff);
  return Buffer.from([...header, ...chassis, ...board, ...product]);
}
