#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>
#include "CEpoll.h"

int usher_accept4(int descriptor, void *address, unsigned int *length, int flags) {
    return accept4(descriptor, (struct sockaddr *)address, (socklen_t *)length, flags);
}

void usher_name_thread(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}

int usher_pipe(int *read_end, int *write_end, int size) {
    int ends[2];
    if (pipe2(ends, O_NONBLOCK | O_CLOEXEC) != 0) return -1;
    int capacity = fcntl(ends[1], F_SETPIPE_SZ, size);
    if (capacity < 0) capacity = fcntl(ends[1], F_GETPIPE_SZ);
    if (capacity <= 0) {
        close(ends[0]);
        close(ends[1]);
        return -1;
    }
    *read_end = ends[0];
    *write_end = ends[1];
    return capacity;
}

long usher_splice(int from, int to, unsigned long length) {
    return splice(from, NULL, to, NULL, length, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
}
