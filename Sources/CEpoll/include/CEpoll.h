// epoll, eventfd, accept4 and thread names for the data plane: Swift's Glibc module leaves
// them out. The GNU functions are wrapped in CEpoll.c, which alone defines _GNU_SOURCE: a
// header that did would make system types differ from those of Swift's Glibc module.
#ifndef USHER_CEPOLL_H
#define USHER_CEPOLL_H

#include <sys/epoll.h>
#include <sys/eventfd.h>

static const unsigned int usher_epollin = EPOLLIN;
static const unsigned int usher_epollout = EPOLLOUT;
static const unsigned int usher_epollrdhup = EPOLLRDHUP;
static const unsigned int usher_epollhup = EPOLLHUP;
static const unsigned int usher_epollerr = EPOLLERR;
static const unsigned int usher_epollet = EPOLLET;

/// accept4(2): `address` points to a sockaddr_storage of `*length` bytes.
int usher_accept4(int descriptor, void *address, unsigned int *length, int flags);

/// Names the calling thread (15 bytes at most), as `top -H` and `ps -L` show it.
void usher_name_thread(const char *name);

/// The most descriptors one message passes.
#define USHER_MAX_PASSED_DESCRIPTORS 8

/// sendmsg(2) of `length` bytes with `count` descriptors as SCM_RIGHTS (MSG_NOSIGNAL).
long usher_send_with_descriptors(int socket, const void *bytes, unsigned long length, const int *descriptors, int count);

/// recvmsg(2) of exactly `length` bytes (MSG_WAITALL) and the descriptors that came with them
/// (close-on-exec), at most USHER_MAX_PASSED_DESCRIPTORS into `descriptors`, their number in `*count`.
long usher_receive_with_descriptors(int socket, void *bytes, unsigned long length, int *descriptors, int *count);

/// The user ID of a Unix socket's peer (SO_PEERCRED); 0 on success, -1 with errno.
int usher_peer_uid(int socket, unsigned int *uid);

/// Starts `path` with `arguments` and `environment` (each NULL-terminated) in a session of its
/// own (a terminal's signals to this one do not reach it); its pid, or -1 with errno.
int usher_spawn_detached(const char *path, char *const arguments[], char *const environment[]);

#endif
