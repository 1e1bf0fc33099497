#include "rtx_bench_support.h"

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

int rtx_bs_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int rtx_bs_epoll_control(int epoll_fd, int op, int fd, uint32_t events, uint64_t token)
{
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = token;
    return epoll_ctl(epoll_fd, op == 3 ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
}

int rtx_bs_epoll_remove(int epoll_fd, int fd)
{
    struct epoll_event ev = {0};
    return epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, &ev);
}

int rtx_bs_epoll_wait(int epoll_fd, rtx_bs_event *out, int max_events, int timeout_ms)
{
    struct epoll_event evs[512];
    if (max_events > 512) max_events = 512;
    int n = epoll_wait(epoll_fd, evs, max_events, timeout_ms);
    for (int i = 0; i < n; i++) {
        out[i].events = evs[i].events;
        out[i].token = evs[i].data.u64;
    }
    return n;
}

int rtx_bs_timer_create(void) { return timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC); }

int rtx_bs_timer_at(int timer_fd, int64_t monotonic_ns)
{
    struct itimerspec spec = {0};
    spec.it_value.tv_sec = (time_t)(monotonic_ns / 1000000000);
    spec.it_value.tv_nsec = (long)(monotonic_ns % 1000000000);
    return timerfd_settime(timer_fd, TFD_TIMER_ABSTIME, &spec, NULL);
}

void rtx_bs_timer_drain(int timer_fd)
{
    uint64_t expirations;
    ssize_t n = read(timer_fd, &expirations, sizeof expirations);
    (void)n;
}
