//! The allocator's one setting driftcheck changes. The binary and the
//! benchmark allocate with mimalloc (`#[global_allocator]` in each).

use libmimalloc_sys::{mi_option_reserve_os_memory, mi_option_set, mi_option_t, mi_option_use_numa_nodes};

/// `mi_option_purge_delay` in mimalloc.h, which the bindings do not name:
/// the option just before `mi_option_use_numa_nodes`, in v2 and v3 of
/// mimalloc alike. Should the bindings renumber their options, the check
/// below stops the build rather than set another one.
const PURGE_DELAY: mi_option_t = mi_option_use_numa_nodes - 1;
const _: () = assert!(PURGE_DELAY == 15 && mi_option_reserve_os_memory == 9);

/// Returns freed memory to the system at once instead of 10 ms later.
///
/// A run frees much of what it allocates soon after (a file's text once it
/// is indexed, a decoded cache entry's buffer), and with the delay those
/// pages stay resident while the next ones are taken: a warm run on
/// wasmtime held 117 to 132 MiB with it and 110 MiB without, in the same
/// time. Call it first thing in `main`.
pub fn return_freed_memory_promptly() {
    // SAFETY: sets one integer option; mimalloc reads options atomically.
    unsafe { mi_option_set(PURGE_DELAY, 0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_memory_is_returned_without_delay() {
        return_freed_memory_promptly();
        // SAFETY: reads one integer option.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 0);
    }
}
