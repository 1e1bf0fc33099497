/*
 * Host-internal support the Swift host cannot express itself: the read side of the epoch
 * domain with a compiler-only fence, and Linux's membarrier system call. Not part of the
 * plugin ABI; plugins never see it.
 */
#ifndef RTX_HOST_SUPPORT_H
#define RTX_HOST_SUPPORT_H

#include <stdint.h>

/*
 * Reader announcement, light form (used when the writer side has membarrier): a relaxed
 * store plus a compiler-only fence. The writer's membarrier() forces the full hardware
 * barrier on every running thread before it reads announcements.
 */
static inline void rtx_hs_epoch_enter_light(uint64_t *slot, const uint64_t *global_epoch)
{
    __atomic_store_n(slot, __atomic_load_n(global_epoch, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* Reader announcement, fenced form (no membarrier): a sequentially consistent store. */
static inline void rtx_hs_epoch_enter_fenced(uint64_t *slot, const uint64_t *global_epoch)
{
    __atomic_store_n(slot, __atomic_load_n(global_epoch, __ATOMIC_RELAXED), __ATOMIC_SEQ_CST);
}

/* Ends a read section: everything read before stays before the clearing store. */
static inline void rtx_hs_epoch_exit(uint64_t *slot)
{
    __atomic_store_n(slot, 0, __ATOMIC_RELEASE);
}

/* Writer side: a new epoch (sequentially consistent), and reading an announcement. */
static inline uint64_t rtx_hs_epoch_advance(uint64_t *global_epoch)
{
    return __atomic_add_fetch(global_epoch, 1, __ATOMIC_SEQ_CST);
}

static inline uint64_t rtx_hs_epoch_read(const uint64_t *slot)
{
    return __atomic_load_n(slot, __ATOMIC_SEQ_CST);
}

/* Registers the process for expedited private membarrier; 0 on success, -1 if unavailable. */
int rtx_hs_membarrier_register(void);

/* Issues a full memory barrier on every running thread of the process; 0 on success. */
int rtx_hs_membarrier(void);

#endif /* RTX_HOST_SUPPORT_H */
