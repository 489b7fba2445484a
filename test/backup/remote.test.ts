import { describe, expect, it } from 'vitest';
import { fetchCommands, parsePlace, pushCommands } from '../../src/backup/remote.js';

const SSH = ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '-o', 'ConnectTimeout=15'];

describe('backups on another host over ssh', () => {
  it('reads USER@HOST:/DIR as scp does; a path without a host part is local', () => {
    expect(parsePlace('backup@vault.example.org:/srv/cloudseed/')).toEqual({ target: { host: 'vault.example.org', user: 'backup' }, path: '/srv/cloudseed' });
    expect(parsePlace('root@[fd00::5]:/b', { port: 2222, identityFile: '/k' })).toEqual({ target: { host: 'fd00::5', user: 'root', port: 2222, identityFile: '/k' }, path: '/b' });
    expect(parsePlace('vault:/b', { user: 'me' })?.target.user).toBe('me');
    expect(parsePlace('/srv/backups')).toBeUndefined();
    expect(parsePlace('./a:b')).toBeUndefined();
    expect(parsePlace('backups')).toBeUndefined();
  });

  it('refuses a host, user or path that could read as an option or is not absolute', () => {
    expect(() => parsePlace('-oProxyCommand=x:/b')).toThrow('is not a host name');
    expect(() => parsePlace('-l@vault:/b')).toThrow('is not a user name');
    expect(() => parsePlace('backup@vault:-rf')).toThrow('must be an absolute path');
    expect(() => parsePlace('backup@vault:srv')).toThrow('e.g. backup@vault:/srv/cloudseed-backups');
  });

  it('copies the backup with scp into a hidden folder, checks it there and moves it into place when whole', () => {
    const to = parsePlace('backup@vault:/srv/b', { port: 2222 })!;
    const cmds = pushCommands('/tmp/x/cloudseed-backup-lab-20261204T193000Z', to);
    const ssh = [...SSH, '-p', '2222', '--', 'backup@vault'];
    expect(cmds).toEqual([
      { argv: [...ssh, 'mkdir', '-p', '-m', '700', '--', '/srv/b/.cloudseed-backup-lab-20261204T193000Z.partial'] },
      {
        argv: ['scp', '-r', '-p', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '-P', '2222', '--', '/tmp/x/cloudseed-backup-lab-20261204T193000Z', 'backup@vault:/srv/b/.cloudseed-backup-lab-20261204T193000Z.partial/'],
      },
      { argv: [...ssh, 'sh', '-c', `'cd "$1" && exec sha256sum --quiet --strict -c SHA256SUMS'`, 'sh', '/srv/b/.cloudseed-backup-lab-20261204T193000Z.partial/cloudseed-backup-lab-20261204T193000Z'] },
      { argv: [...ssh, 'mv', '--', '/srv/b/.cloudseed-backup-lab-20261204T193000Z.partial/cloudseed-backup-lab-20261204T193000Z', '/srv/b/cloudseed-backup-lab-20261204T193000Z'] },
      { argv: [...ssh, 'rmdir', '--', '/srv/b/.cloudseed-backup-lab-20261204T193000Z.partial'] },
    ]);
  });

  it('pushes only into a plain folder there (scp hands the path to the remote shell in its legacy mode)', () => {
    expect(() => pushCommands('/tmp/x/b', parsePlace('backup@vault:/srv/my backups')!)).toThrow('the folder /srv/my backups there must be a plain path (letters, digits, . _ - and /)');
  });

  it('fetches a backup by streaming it back; remote words with spaces are quoted for the remote shell', () => {
    const from = parsePlace('backup@vault:/srv/my backups/cloudseed-backup-x')!;
    expect(fetchCommands(from, '/tmp/r')).toEqual([
      { argv: [...SSH, '--', 'backup@vault', 'tar', '-C', "'/srv/my backups'", '-cf', '-', '--', 'cloudseed-backup-x'], into: ['tar', '-C', '/tmp/r', '-xf', '-'] },
    ]);
  });
});
