// The facts gathered from every host in one round trip.

/** What the runner knows about a host before its first task. */
export interface Facts {
  /** Kernel name, e.g. `Linux`. */
  system: string;
  /** `ID` from /etc/os-release, e.g. `debian`, `ubuntu`. */
  distribution: string;
  /** `VERSION_ID`, e.g. `12`. */
  release: string;
  /** `VERSION_CODENAME`, e.g. `bookworm`. */
  codename: string;
  /** `uname -m`, e.g. `x86_64`. */
  architecture: string;
  /** Init system: `systemd` when PID 1 is systemd and running, else `sysvinit` when /etc/init.d exists, else `unknown`. */
  init: 'systemd' | 'sysvinit' | 'unknown';
  hostname: string;
  /** The connecting user (before become). */
  user: string;
}
