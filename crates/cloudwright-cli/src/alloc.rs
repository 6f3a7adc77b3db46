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

/// Runs `load` with freed memory returned to the OS at once, then puts
/// mimalloc's purge delay back as it was.
///
/// Loading frees each root's syntax tree as soon as the root is
/// evaluated; with mimalloc's default delay that memory stays resident for
/// the whole load, and peak RSS on the 10k-file corpus is ≈ 400 MB instead
/// of ≈ 300 MB. After the load the default serves better: the rules and
/// engines allocate and free a great deal, and memory kept for a moment is
/// reused instead of being faulted in afresh (≈ 5% of the rules' time on
/// that corpus; docs/benchmarks.md). `MIMALLOC_PURGE_DELAY` in the
/// environment wins throughout.
pub fn loading<T>(load: impl FnOnce() -> T) -> T {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return load();
    }
    // SAFETY: `mi_option_get`/`mi_option_set` only read and store an
    // integer in mimalloc's option table, and the option exists in the
    // linked version.
    let before = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    let loaded = load();
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, before) };
    loaded
}
