// Environment variables only we set on the processes we spawn: the evidence that finds a home's engines
// when cluster.json is lost. Shared by planning (src/cluster) and the process scan (src/os). No imports.

/**
 * Set on every node we spawn, naming the state home. It is evidence only we create, so engines of a
 * home can be found even when cluster.json is lost (a user's shell may export NANOBPMN_DATA_DIR, but
 * not this).
 */
export const MANAGED_BY = 'C8CTL_NANO_MANAGED_BY';
/** Set on in-memory nodes, which have no data dir to prove they belong to the home (see os/find-engines.ts). */
export const IN_MEMORY_MARK = 'C8CTL_NANO_IN_MEMORY';
/** Set on the link proxy of a home (with MANAGED_BY), so that `stop --force` finds it without cluster.json. */
export const LINK_PROXY_MARK = 'C8CTL_NANO_LINK_PROXY';
