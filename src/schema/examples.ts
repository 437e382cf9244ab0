// Example tasks for the module reference (docs/modules.md), as YAML. Between them they use every argument of every
// module, so each argument's row shows a real value; test/unit/schema loads every one through the playbook loader.

/** Module name → example tasks (a YAML list of tasks). */
export const MODULE_EXAMPLES: Record<string, string> = {
  apt: `- name: Install i2pd and ufw
  apt:
    name: [i2pd, ufw]
    update_cache: true
    cache_valid_time: 3600
    install_recommends: false
    lock_timeout: 300

- name: Remove tor with its configuration
  apt:
    name: tor
    state: absent
    purge: true
`,
  assert: `- name: i2pd must be active
  assert:
    that: i2pd_active.stdout == "active"
    fail_msg: "i2pd is not running: {{ i2pd_active.stdout }}"
    success_msg: i2pd is running
    quiet: true

- name: Only Debian
  assert:
    that:
      - facts.distribution == "debian"
      - facts.distribution_major_version is defined
    msg: this playbook supports Debian only
`,
  bitcoin_rpcauth: `- name: The rpcauth line for bitcoin.conf (the password stays in a 0600 file on this machine)
  bitcoin_rpcauth:
    user: provision
    password_file: "~/.config/provision/bitcoin-rpc/{{ inventory_hostname }}.password"
    fact: bitcoin_rpcauth

- name: The same line from a password kept in a secret variable
  bitcoin_rpcauth:
    password_file: /dev/null
    password: "{{ bitcoin_rpc_password }}"
`,
  command: `- name: Is i2pd active?
  command: systemctl is-active i2pd
  register: i2pd_active
  changed_when: false
  failed_when: false

- name: Initialise the wallet once
  command:
    argv: [bitcoin-cli, -datadir=/var/lib/bitcoind, createwallet, main]
    creates: /var/lib/bitcoind/wallets/main
    chdir: /var/lib/bitcoind
    env: { HOME: /var/lib/bitcoind }

- name: Drop the old datadir lock, if there is one
  command:
    cmd: rm .lock
    removes: /var/lib/bitcoind/.lock
    chdir: /var/lib/bitcoind

- name: Import a key from standard input
  command:
    cmd: gpg --import
    stdin: "{{ signing_key }}"
    stdin_add_newline: false
`,
  copy: `- name: The message of the day
  copy:
    dest: /etc/motd
    content: "Managed by provision\\n"
    mode: "0644"
    owner: root
    group: root

- name: A sudoers rule, checked before it replaces the old one
  copy:
    src: files/bitcoin.sudoers
    dest: /etc/sudoers.d/bitcoin
    mode: "0440"
    validate: visudo -cf %s
    backup: true

- name: A default config, written only when missing
  copy:
    dest: /etc/default/bitcoind
    content: "BITCOIND_OPTS=\\n"
    force: false
`,
  debug: `- debug: msg="Hello from {{ inventory_hostname }}"

- name: Show the SAM check's output
  debug:
    var: sam_check.stdout_lines
`,
  fail: `- name: Refuse to run without a checksum
  fail:
    msg: set bitcoin_sha256 in the inventory (from the release's SHA256SUMS)
  when: bitcoin_install and bitcoin_sha256 is not defined
`,
  file: `- name: The configuration folder
  file:
    path: /etc/bitcoin
    state: directory
    owner: root
    group: bitcoin
    mode: "0750"

- name: The data folder and everything in it
  file:
    path: /var/lib/bitcoind
    state: directory
    owner: bitcoin
    group: bitcoin
    recurse: true

- name: bitcoind on the PATH
  file:
    path: /usr/local/bin/bitcoind
    state: link
    src: /opt/bitcoin-29.1/bin/bitcoind
    force: true

- name: No stale PID file
  file:
    path: /run/bitcoind/bitcoind.pid
    state: absent
`,
  get_url: `- name: Download Bitcoin Core, checked against its sha256
  get_url:
    url: "https://bitcoincore.org/bin/bitcoin-core-29.1/bitcoin-29.1-x86_64-linux-gnu.tar.gz"
    dest: /opt/bitcoin-29.1-x86_64-linux-gnu.tar.gz
    checksum: "sha256:{{ bitcoin_sha256 }}"
    mode: "0644"
    owner: root
    group: root
    timeout: 120
`,
  group: `- name: The bitcoin group
  group:
    name: bitcoin
    system: true

- name: A group with a fixed gid
  group:
    name: i2pusers
    gid: 2100

- name: No leftover group
  group:
    name: olddaemon
    state: absent
`,
  service: `- name: i2pd is enabled and running
  service:
    name: i2pd
    state: started
    enabled: true

- name: Restart bitcoind after its unit file changed
  service:
    name: bitcoind
    state: restarted
    daemon_reload: true
`,
  set_fact: `- name: A fixed I2P port for this host
  set_fact:
    i2pd_port: "{{ stable_port inventory_hostname 9000 31000 }}"
    i2pd_enabled: true
`,
  shell: `- name: The newest block height (a pipe needs a shell)
  shell: bitcoin-cli -datadir=/var/lib/bitcoind getblockchaininfo | grep blocks
  register: height
  changed_when: false

- name: Seed the entropy pool once, with bash
  shell:
    cmd: set -o pipefail; head -c 64 /dev/urandom | base64 > seed
    executable: /bin/bash
    chdir: /var/lib/provision
    creates: /var/lib/provision/seed

- name: Remove a marker when it is there
  shell:
    cmd: rm -f upgrade-pending && echo removed
    chdir: /var/lib/provision
    removes: /var/lib/provision/upgrade-pending

- name: Feed a script to a shell on standard input
  shell:
    cmd: sh -s
    stdin: "echo $GREETING"
    stdin_add_newline: true
    env: { GREETING: hello }
`,
  template: `- name: Render i2pd.conf (every key checked against i2pd's options)
  template:
    src: i2pd.conf.hbs
    dest: /etc/i2pd/i2pd.conf
    lint: i2pd.conf
    mode: "0644"
    owner: root
    group: root
  notify: restart i2pd

- name: A config file checked by its program before it is installed
  template:
    src: app.conf.hbs
    dest: /etc/app.conf
    validate: app --check %s
    backup: true
    force: true
`,
  ufw: `- name: SSH in, I2P out, deny the rest, enable
  ufw:
    rules:
      - { rule: limit, port: 22, proto: tcp, comment: ssh }
      - { direction: out, port: "9000:31000", proto: tcp }
      - { direction: out, port: "9000:31000", proto: udp }
      - { rule: allow, from: 10.0.0.0/8, to: any, port: 8333, proto: tcp }
    default_incoming: deny
    default_outgoing: allow
    logging: low
    state: enabled

- name: Remove an old rule, guard off (only where SSH comes in some other way)
  ufw:
    rules:
      - { rule: allow, port: 8080, proto: tcp, delete: true }
    protect_ssh: false
`,
  unarchive: `- name: Unpack Bitcoin Core
  unarchive:
    src: /opt/bitcoin-29.1-x86_64-linux-gnu.tar.gz
    dest: /opt/bitcoin-29.1
    strip_components: 1
    creates: bin/bitcoind
    owner: root
    group: root
`,
  user: `- name: The bitcoin system user
  user:
    name: bitcoin
    group: bitcoin
    system: true
    home: /var/lib/bitcoind
    create_home: false
    shell: /usr/sbin/nologin

- name: An operator who may read the logs
  user:
    name: alice
    uid: 1500
    groups: [adm, systemd-journal]
    append: true

- name: No leftover account
  user:
    name: olddaemon
    state: absent
    remove: true
`,
  wait_for: `- name: Wait for i2pd's SAM bridge
  wait_for:
    port: 7656
    host: 127.0.0.1
    timeout: 60
    delay: 2
    sleep: 1
    msg: i2pd's SAM bridge did not open port 7656 within 60 s

- name: Wait until bitcoind has removed its lock
  wait_for:
    path: /var/lib/bitcoind/.lock
    state: absent
`,
};
