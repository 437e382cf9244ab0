// What each playbook and inventory keyword means, shown by editors on hover. The zod schemas of the loader carry
// types but no descriptions; these are attached (with .describe, which changes no check) when the JSON Schemas are
// made. A keyword missing here is reported by test/unit/schema.

/** Play keywords. */
export const PLAY_DOCS: Record<string, string> = {
  name: 'Shown in the output; default: the hosts pattern',
  hosts: 'Which hosts: names, groups, globs (node*), a:b union, !x exclusion, &x intersection, all; or a list of patterns',
  defaults: 'Variables with the lowest precedence: the inventory overrides them',
  vars: 'Play variables (above the inventory, below vars_files)',
  vars_files: 'YAML files of variables, relative to the playbook (above vars)',
  become: 'Run the tasks through sudo as become_user (root by default)',
  become_user: 'The user become switches to (default: root)',
  gather_facts: 'Gather facts (facts.*) before the first task (default: true)',
  serial: 'Run the play on batches of hosts: a number, a percentage ("30%"), or a list of them (batch sizes in turn, the last repeated)',
  max_fail_percentage: "Stop the run when more than this percentage of a batch's hosts failed a task",
  any_errors_fatal: 'Stop the run as soon as any host fails a task',
  tasks: 'The tasks, run in order on every host (each: name, one module, and keywords such as when or notify)',
  handlers: 'Tasks run once at the end of the play when a task that changed something notified them',
};

/** Task keywords (everything beside the module). */
export const TASK_DOCS: Record<string, string> = {
  name: 'Shown in the output; default: the module and its first argument',
  when: 'Run the task only when this condition holds (an expression such as `x is defined and facts.distribution == "debian"`, or a list that must all hold)',
  notify: 'Handlers (by name or listen topic) to run at the end of the play when this task changed something',
  register: 'Variable that receives the result (rc, stdout, stderr, changed, failed, ...)',
  changed_when: 'Condition that decides whether the task counts as changed (false: never)',
  failed_when: 'Condition that decides whether the task failed (replaces the module\'s own verdict)',
  ignore_errors: 'A failure of this task does not stop the host',
  tags: 'Tags for --tags and --skip-tags: a list, or a comma-separated string',
  retries: 'With until: how many times to retry (default: 3)',
  delay: 'With until: seconds between attempts (default: 5)',
  until: 'Retry the task until this condition holds (the result is in the registered variable)',
  loop: 'Run the task once per item (the item is {{ item }}): a list, or a template giving one',
  with_items: "Ansible's older loop: like loop, flattening one level of nested lists",
  loop_control: 'loop_var: the name of the loop variable (default: item); label: what the output shows per item',
  become: 'Run this task through sudo as become_user (overrides the play)',
  become_user: 'The user become switches to for this task',
  check_mode: 'true: never change anything (as with --check); false: apply even under --check',
  no_log: 'Hide this task\'s arguments and output from every output',
  vars: 'Variables for this task only',
  args: 'Module arguments given beside a free-form one (command: make + args: { chdir: /src })',
  listen: 'Handlers only: topics this handler also answers to in notify',
};

/** Inventory group keywords. */
export const GROUP_DOCS: Record<string, string> = {
  hosts: 'Hosts of this group: name → its variables (or nothing). Ranges such as node[01:20] name many hosts',
  children: 'Groups inside this group: name → group',
  vars: 'Variables of every host in this group',
};

/** Connection variables under our names. */
export const CONNECTION_DOCS: Record<string, string> = {
  address: 'Address to connect to (default: the host name)',
  port: 'SSH port (default: 22)',
  user: 'SSH user (default: the user running provision)',
  private_key_file: 'SSH private key; ~ and paths relative to the inventory work',
  known_hosts_file: 'known_hosts file the host key is checked against (default: ~/.ssh/known_hosts)',
  become: 'Run every task on this host through sudo',
  become_user: 'The user become switches to (default: root)',
  connection: 'ssh, or local to run on this machine (default: local for localhost, else ssh)',
  connect_timeout: 'Seconds to wait for the SSH connection',
  proxy_jump: 'Connect through this SSH bastion (user@host:port, as OpenSSH\'s ProxyJump); none: not even from the ssh config',
  ssh_config_file: 'OpenSSH config file read for this host (default: ~/.ssh/config); none: read none',
};
