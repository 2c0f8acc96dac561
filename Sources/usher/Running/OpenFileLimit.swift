#if canImport(Glibc)
import Glibc
#endif

/// The process's open-file limit: every held request uses a descriptor, every accepted one two
/// or three.
enum OpenFileLimit {
    /// Raises the soft limit to the hard limit, as nginx's `worker_rlimit_nofile` or Go's runtime
    /// do; the gate then fits `--max-pending` to what is available.
    static func raiseToHardLimit() {
        var limits = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limits) == 0, limits.rlim_cur < limits.rlim_max else { return }
        limits.rlim_cur = limits.rlim_max
        _ = setrlimit(resource, &limits)
    }
}
