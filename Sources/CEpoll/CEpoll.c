#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/socket.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "CEpoll.h"

int usher_accept4(int descriptor, void *address, unsigned int *length, int flags) {
    return accept4(descriptor, (struct sockaddr *)address, (socklen_t *)length, flags);
}

void usher_name_thread(const char *name) {
    prctl(PR_SET_NAME, name, 0, 0, 0);
}

long usher_send_with_descriptors(int socket, const void *bytes, unsigned long length, const int *descriptors, int count) {
    struct iovec vector = { .iov_base = (void *)bytes, .iov_len = length };
    struct msghdr message = { .msg_iov = &vector, .msg_iovlen = 1 };
    char space[CMSG_SPACE(sizeof(int) * USHER_MAX_PASSED_DESCRIPTORS)];
    if (count > USHER_MAX_PASSED_DESCRIPTORS) { errno = EINVAL; return -1; }
    if (count > 0) {
        memset(space, 0, sizeof(space));
        message.msg_control = space;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * count);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * count);
        memcpy(CMSG_DATA(header), descriptors, sizeof(int) * count);
    }
    return sendmsg(socket, &message, MSG_NOSIGNAL);
}

long usher_receive_with_descriptors(int socket, void *bytes, unsigned long length, int *descriptors, int *count) {
    struct iovec vector = { .iov_base = bytes, .iov_len = length };
    char space[CMSG_SPACE(sizeof(int) * USHER_MAX_PASSED_DESCRIPTORS)];
    struct msghdr message = { .msg_iov = &vector, .msg_iovlen = 1, .msg_control = space, .msg_controllen = sizeof(space) };
    long received = recvmsg(socket, &message, MSG_CMSG_CLOEXEC | MSG_WAITALL);
    *count = 0;
    if (received < 0) return received;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        int passed = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int index = 0; index < passed; index++) {
            int descriptor;
            memcpy(&descriptor, CMSG_DATA(header) + index * sizeof(int), sizeof(int));
            if (*count < USHER_MAX_PASSED_DESCRIPTORS) descriptors[(*count)++] = descriptor; else close(descriptor);
        }
    }
    if (message.msg_flags & MSG_CTRUNC) { errno = EMSGSIZE; return -1; }
    return received;
}

int usher_peer_uid(int socket, unsigned int *uid) {
    struct ucred credentials;
    socklen_t length = sizeof(credentials);
    if (getsockopt(socket, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
    *uid = credentials.uid;
    return 0;
}

#include <spawn.h>

int usher_spawn_detached(const char *path, char *const arguments[], char *const environment[]) {
    posix_spawnattr_t attributes;
    if (posix_spawnattr_init(&attributes) != 0) return -1;
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
    pid_t pid = -1;
    int failed = posix_spawn(&pid, path, NULL, &attributes, arguments, environment);
    posix_spawnattr_destroy(&attributes);
    if (failed != 0) { errno = failed; return -1; }
    return pid;
}
