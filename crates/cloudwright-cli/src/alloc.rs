//! The global allocator and its tuning, shared by the `cloudwright` binary
//! and the benchmark harness (which includes this file) so that benchmarks
//! measure exactly what users run.

/// Loading allocates many small values; mimalloc frees and reuses them far
/// faster than the system allocator (measured in docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

/// mimalloc, asked for plain blocks where the alignment asked for is one
/// every block has: the `mimalloc` crate's allocator asks for every block
/// by alignment, whose checks cost more than the allocation itself on the
/// load's millions of small allocations (docs/benchmarks.md).
struct MiMalloc;

/// Every mimalloc block is aligned to at least a machine word.
const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: each method forwards to the mimalloc function with the contract
// `GlobalAlloc` asks for: `mi_malloc`/`mi_zalloc`/`mi_realloc` return
// blocks aligned to at least a word (`MI_INTPTR_SIZE`), so they serve
// layouts whose alignment is a word or less; larger alignments go to the
// `_aligned` variants; `mi_free` frees blocks from any of them.
unsafe impl std::alloc::GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= WORD {
            libmimalloc_sys::mi_malloc(layout.size()).cast()
        } else {
            libmimalloc_sys::mi_malloc_aligned(layout.size(), layout.align()).cast()
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= WORD {
            libmimalloc_sys::mi_zalloc(layout.size()).cast()
        } else {
            libmimalloc_sys::mi_zalloc_aligned(layout.size(), layout.align()).cast()
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        libmimalloc_sys::mi_free(ptr.cast());
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast()
        } else {
            libmimalloc_sys::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
        }
    }
}

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (the same number in
/// its v2 and v3 headers); `libmimalloc-sys` does not export the name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Runs a load with mimalloc tuned for each of its phases, then puts the
/// purge delay back as it was. `load` receives the hook to pass to
/// [`cloudwright_terraform::load_with`].
///
/// While roots are evaluated, freed memory is never returned to the OS: the
/// memory one root frees is reused by the next instead of being faulted in
/// and zeroed afresh (returning it at once, as an earlier version did, made
/// the kernel zero pages for a third of the load: 0.92 → 0.72 s median on
/// the 10k-file corpus; mimalloc's default delay of 10 ms still returned
/// ≈ 80 MB that was faulted in again: system time 0.36 → 0.19 s without it,
/// the same peak, docs/benchmarks.md). Before the model is
/// assembled — one vector of every resource, the graph's indexes — the
/// evaluation's freed memory is returned on every thread, and freed memory
/// is returned at once while the per-root vectors are moved: otherwise
/// both copies are resident together and the peak grows by ≈ 25 MB (302 →
/// 281 MB). After the load the default serves better again: the rules and
/// engines allocate and free a great deal. `MIMALLOC_PURGE_DELAY` in the
/// environment wins throughout.
pub fn loading<T>(load: impl FnOnce(&mut dyn FnMut()) -> T) -> T {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return load(&mut || {});
    }
    // SAFETY: `mi_option_get`/`mi_option_set` only read and store an
    // integer in mimalloc's option table, and the option exists in the
    // linked version; `mi_collect` only returns the calling thread's free
    // memory.
    let before = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    let mut assembling = || {
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
        rayon::broadcast(|_| unsafe { libmimalloc_sys::mi_collect(true) });
        unsafe { libmimalloc_sys::mi_collect(true) };
    };
    let loaded = load(&mut assembling);
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, before) };
    loaded
}

/// Runs `free` (dropping a model) with freed memory returned at once, as a
/// fresh process would start the next run: for the benchmark harness.
#[allow(dead_code)]
pub fn freeing(free: impl FnOnce()) {
    // SAFETY: as in `loading`.
    let before = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    free();
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, before) };
}
