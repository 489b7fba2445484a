// ipmitool's output and errors, as captured from ipmitool 1.8.19 against ipmi_sim.
import { describe, expect, it } from 'vitest';
import { classifyIpmitoolError, parseBootDevice, parseFru, parseGuid, parseLanMac, parsePowerStatus } from '../../src/inventory/ipmi.js';

describe('ipmitool output', () => {
  it('power, boot device, FRU, LAN MAC and GUID', () => {
    expect(parsePowerStatus('Chassis Power is on\n')).toBe('on');
    expect(parsePowerStatus('garbage')).toBeUndefined();
    expect(parseBootDevice('Boot parameter version: 1\n Boot Flags :\n   - Boot Device Selector : Force PXE\n')).toBe('pxe');
    expect(parseBootDevice('   - Boot Device Selector : Force Boot from default Hard-Drive\n')).toBe('disk');
    expect(parseBootDevice('   - Boot Device Selector : No override\n')).toBe('none');
    const fru = [
      ' Chassis Type          : Rack Mount Chassis',
      ' Chassis Serial        : CZJ9250K6R',
      ' Board Mfg             : HPE',
      ' Board Product         : ProLiant DL360 Gen10 board',
      ' Product Manufacturer  : HPE',
      ' Product Name          : ProLiant DL360 Gen10',
      ' Product Serial        : ',
    ].join('\n');
    // an empty product serial falls back to the chassis serial
    expect(parseFru(fru)).toEqual({ vendor: 'HPE', product: 'ProLiant DL360 Gen10', serial: 'CZJ9250K6R' });
    expect(parseLanMac('IP Address              : 127.0.1.7\nMAC Address             : 52:54:00:CB:01:07\n')).toBe('52:54:00:cb:01:07');
    expect(parseGuid('System GUID   : D4C3B2A1-F6E5-1807-293A-4B5C00000001\n')).toBe('d4c3b2a1-f6e5-1807-293a-4b5c00000001');
  });

  it('errors: refused (RAKP 2), unknown user, no answer, and other', () => {
    const tail = 'Error: Unable to establish IPMI v2 / RMCP+ session';
    expect(classifyIpmitoolError(`Loading IANA PEN Registry...\n> RAKP 2 HMAC is invalid\n${tail}`).kind).toBe('refused');
    expect(classifyIpmitoolError(`RAKP 2 message indicates an error : unauthorized name\n${tail}`).kind).toBe('refused');
    // a busy BMC (no free session) is not a wrong password
    expect(classifyIpmitoolError(`RAKP 2 message indicates an error : insufficient resources for session\n${tail}`)).toMatchObject({ kind: 'other', message: expect.stringContaining('busy') });
    expect(classifyIpmitoolError(`Get Auth Capabilities error\nError issuing Get Channel Authentication Capabilities request\n${tail}`).kind).toBe('unreachable');
    const other = classifyIpmitoolError('Running Get VSO Capabilities my_addr 0x20, transit 0, target 0x20\nInvalid completion code received: Invalid command\n Device not present (Invalid data field in request)');
    expect(other.kind).toBe('other');
    expect(other.message).toBe(' Device not present (Invalid data field in request)');
  });
});
