/*
 * The benchmarks' load clients need epoll(7) and timerfd(2), which Swift's Glibc module does
 * not export: a thin C layer over both, with one 64-bit token per registered descriptor.
 * Benchmark-only; neither the host nor plugins link it.
 */
#ifndef RTX_BENCH_SUPPORT_H
#define RTX_BENCH_SUPPORT_H

#include <stdint.h>

#define RTX_BS_READABLE 0x001u /* EPOLLIN */
#define RTX_BS_WRITABLE 0x004u /* EPOLLOUT */
#define RTX_BS_ERROR    0x008u /* EPOLLERR */
#define RTX_BS_HANGUP   0x010u /* EPOLLHUP */

/* One ready descriptor: what happened (RTX_BS_*) and the token it was registered with. */
typedef struct {
    uint32_t events;
    uint64_t token;
} rtx_bs_event;

/* An epoll instance (close-on-exec); -1 and errno on failure. */
int rtx_bs_epoll_create(void);
/* Registers, changes (op 1 add, 3 modify) a descriptor's interest; 0 or -1 and errno. */
int rtx_bs_epoll_control(int epoll_fd, int op, int fd, uint32_t events, uint64_t token);
/* Removes a descriptor; 0 or -1 and errno. */
int rtx_bs_epoll_remove(int epoll_fd, int fd);
/* Waits up to timeout_ms (-1: no limit) for at most max_events (at most 512) ready descriptors. */
int rtx_bs_epoll_wait(int epoll_fd, rtx_bs_event *out, int max_events, int timeout_ms);

/* A non-blocking CLOCK_MONOTONIC timerfd; -1 and errno on failure. */
int rtx_bs_timer_create(void);
/* Arms the timer to fire once at the absolute monotonic time (ns); 0 disarms. 0 or -1. */
int rtx_bs_timer_at(int timer_fd, int64_t monotonic_ns);
/* Consumes the expirations of a fired timer (so that it stops being readable). */
void rtx_bs_timer_drain(int timer_fd);

#endif
