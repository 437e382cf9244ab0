// What the lab changes in a freshly debootstrapped root filesystem so that it can become many hosts.
import { mkdir, readdir, rm, symlink, writeFile, chmod, unlink } from 'node:fs/promises';
import { join } from 'node:path';

// PID 1 of a chroot-mode host: the minimum a Debian userland and sshd need, then sshd in the foreground.
const LAB_INIT = `#!/bin/sh
# PID 1 of a provision lab host in chroot mode (no systemd): filesystems, hostname, firewall, then sshd.
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs /sys
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run
mkdir -p /run/sshd /run/lock
mount -t tmpfs -o mode=755,nosuid tmpfs /dev
mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/zero c 1 5; mknod -m 666 /dev/full c 1 7
mknod -m 666 /dev/random c 1 8; mknod -m 666 /dev/urandom c 1 9; mknod -m 666 /dev/tty c 5 0
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts /dev/pts
ln -s pts/ptmx /dev/ptmx
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr
hostname "$(cat /etc/hostname)"
# ufw's rules live in the kernel of this network namespace: re-apply them when the host comes back.
if [ -x /lib/ufw/ufw-init ] && grep -qs '^ENABLED=yes' /etc/ufw/ufw.conf; then /lib/ufw/ufw-init start || true; fi
exec /usr/sbin/sshd -D -e
`;

// Only the ed25519 key that the lab generates per host; no passwords; no reverse DNS on login.
const SSHD_CONF = `# provision lab: every host has its own ed25519 host key; only key logins.
HostKey /etc/ssh/ssh_host_ed25519_key
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
`;

// Timers that would run apt or disk jobs in the middle of a test and hold the dpkg lock.
const MASKED_UNITS = [
  'apt-daily.timer',
  'apt-daily-upgrade.timer',
  'dpkg-db-backup.timer',
  'e2scrub_all.timer',
  'e2scrub_reap.service',
  'fstrim.timer',
  'systemd-tmpfiles-clean.timer',
];

/** Turns a debootstrapped directory into the lab's shared read-only base. */
export async function customizeBase(root: string): Promise<void> {
  // debootstrap generated host keys that every host would share: each host gets its own instead.
  for (const f of await readdir(join(root, 'etc/ssh'))) {
    if (f.startsWith('ssh_host_')) await unlink(join(root, 'etc/ssh', f));
  }
  await removeChildren(join(root, 'var/cache/apt/archives'), (f) => f.endsWith('.deb'));
  await removeChildren(join(root, 'var/lib/apt/lists'), (f) => f !== 'partial' && f !== 'lock');
  // debootstrap copied the control machine's identity: hosts get their own per host.
  await writeFile(join(root, 'etc/hostname'), 'provision-lab-base\n');
  await writeFile(join(root, 'etc/resolv.conf'), '');
  await writeFile(join(root, 'etc/machine-id'), '');
  await rm(join(root, 'var/lib/dbus/machine-id'), { force: true });
  await symlink('/etc/machine-id', join(root, 'var/lib/dbus/machine-id')).catch(() => undefined);
  // Hosts only ever see the lab's own repository (written per lab).
  await writeFile(join(root, 'etc/apt/sources.list'), '');
  await writeFile(join(root, 'etc/apt/apt.conf.d/90provision-lab'), 'Acquire::Languages "none";\n');
  await writeFile(join(root, 'etc/ssh/sshd_config.d/provision-lab.conf'), SSHD_CONF);
  await writeFile(join(root, 'usr/local/sbin/lab-init'), LAB_INIT);
  await chmod(join(root, 'usr/local/sbin/lab-init'), 0o755);
  await mkdir(join(root, 'etc/systemd/system'), { recursive: true });
  for (const unit of MASKED_UNITS) {
    const link = join(root, 'etc/systemd/system', unit);
    await rm(link, { force: true });
    await symlink('/dev/null', link);
  }
  await mkdir(join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
}

async function removeChildren(dir: string, shouldRemove: (name: string) => boolean): Promise<void> {
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const f of names) if (shouldRemove(f)) await rm(join(dir, f), { recursive: true, force: true });
}
