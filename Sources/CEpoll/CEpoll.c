#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/socket.h>
#include "CEpoll.h"

int usher_accept4(int descriptor, void *address, unsigned int *length, int flags) {
    return accept4(descriptor, (struct sockaddr *)address, (socklen_t *)length, flags);
}

void usher_name_thread(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}
