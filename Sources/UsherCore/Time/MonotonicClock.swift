#if canImport(Glibc)
import Glibc
#endif

extension Moment {
    /// Now on `CLOCK_MONOTONIC`: the one clock of the whole program.
    ///
    /// The gate, the control plane and the host sampler read it and pass the moment into the
    /// state machines; nothing in UsherCore reads it, so the core stays deterministic. SwiftNIO's
    /// `NIODeadline` counts on the same clock, so a moment converts to a deadline as it is.
    public static var now: Moment {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Moment(nanoseconds: UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec))
    }
}
