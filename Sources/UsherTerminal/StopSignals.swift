#if canImport(Glibc)
import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP end the dashboard the way `q` does (without asking): the
/// handler sets a flag and wakes the loop through its pipe, both async-signal-safe.
enum StopSignals {
    nonisolated(unsafe) private static var requested: sig_atomic_t = 0
    nonisolated(unsafe) private static var wakeDescriptor: Int32 = -1
    nonisolated(unsafe) private static var previous: [Int32: sigaction] = [:]
    private static let numbers: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    static var isRequested: Bool { requested != 0 }

    /// The signal that stopped the dashboard, if one did.
    nonisolated(unsafe) private(set) static var received: Int32 = 0

    static func install(waking descriptor: Int32) {
        requested = 0
        received = 0
        wakeDescriptor = descriptor
        for number in numbers {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                StopSignals.requested = 1
                StopSignals.received = number
                var byte: UInt8 = 1
                _ = write(StopSignals.wakeDescriptor, &byte, 1)
            }
            var old = sigaction()
            sigaction(number, &action, &old)
            previous[number] = old
        }
    }

    static func uninstall() {
        for (number, old) in previous {
            var action = old
            sigaction(number, &action, nil)
        }
        previous = [:]
    }
}
