// epoll and eventfd for the data plane: Swift's Glibc module does not carry them.
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

#endif
