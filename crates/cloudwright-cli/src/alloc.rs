//! The global allocator and its tuning, shared by the `cloudwright` binary
//! and the benchmark harness (which includes this file) so that benchmarks
//! measure exactly what users run.

/// Loading allocates many small values; mimalloc frees and reuses them far
/// faster than the system allocator (measured in docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (the same number in
/// its v2 and v3 headers); `libmimalloc-sys` does not export the name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Returns freed memory to the OS at once instead of after mimalloc's
/// default one-second delay. Loading frees each root's syntax tree as soon
/// as the root is evaluated; with the default that memory stays resident
/// for the whole load, and peak RSS on the 10k-file corpus drops from
/// ≈ 400 MB to ≈ 325 MB with no measurable change in time
/// (docs/benchmarks.md). `MIMALLOC_PURGE_DELAY` in the environment wins.
pub fn tune() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: `mi_option_set` only stores an integer in mimalloc's
        // option table, and the option exists in the linked version.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    }
}
