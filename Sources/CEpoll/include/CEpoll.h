// epoll, eventfd and accept4 for the data plane: Swift's Glibc module does not carry them.
#ifndef USHER_CEPOLL_H
#define USHER_CEPOLL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/prctl.h>

/// Names the calling thread (15 bytes at most), as `top -H` and `ps -L` show it.
static inline void usher_name_thread(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}

/// accept4(2), which Swift's Glibc module leaves out (it needs _GNU_SOURCE).
static inline int usher_accept4(int descriptor, struct sockaddr *address, socklen_t *length, int flags) {
    return accept4(descriptor, address, length, flags);
}

static const unsigned int usher_epollin = EPOLLIN;
static const unsigned int usher_epollout = EPOLLOUT;
static const unsigned int usher_epollrdhup = EPOLLRDHUP;
static const unsigned int usher_epollhup = EPOLLHUP;
static const unsigned int usher_epollerr = EPOLLERR;
static const unsigned int usher_epollet = EPOLLET;

#endif
