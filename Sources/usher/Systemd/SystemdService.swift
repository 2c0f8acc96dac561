import Foundation
import Logging
import ServiceLifecycle
import UsherCore

/// Keeps systemd informed while the daemon runs (`Type=notify` units): `READY=1` once it listens
/// (the group starts services after the listeners are bound), a `STATUS=` line when the summary
/// changes (looked at every second), `WATCHDOG=1` at half the interval `$WATCHDOG_USEC` asks
/// for, and `STOPPING=1` as the stop begins.
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let provider: any Provider
    let logger: Logger
    /// `true` once this usher handed everything to its successor: the service is not stopping,
    /// the successor is its main process now.
    var handedOver: @Sendable () -> Bool = { false }

    func run() async throws {
        let status = Self.status(provider.snapshot(includingPending: true))
        // MAINPID: after a restart, the new process tells systemd it is the service's main one.
        notifier.send(["MAINPID=\(getpid())", "READY=1", "STATUS=" + status])
        await cancelWhenGracefulShutdown { await report(after: status) }
        guard !handedOver() else { return }
        notifier.send(["STOPPING=1", "STATUS=stopping: pending requests get the timeout action"])
    }

    /// Until cancelled: the status when it changes from `first`, and the watchdog's keep-alive.
    private func report(after first: String) async {
        let watchdog = Self.watchdogInterval()
        let tick: Duration = watchdog.map { min(.seconds(1), $0) } ?? .seconds(1)
        var lastStatus = first
        var lastWatchdog = ContinuousClock.now
        while !Task.isCancelled, !handedOver() {
            do { try await Task.sleep(for: tick) } catch { return }
            let status = Self.status(provider.snapshot(includingPending: true))
            var fields: [String] = []
            if status != lastStatus { fields.append("STATUS=" + status) }
            if let watchdog, ContinuousClock.now - lastWatchdog >= watchdog {
                fields.append("WATCHDOG=1")
                lastWatchdog = .now
            }
            if !fields.isEmpty { notifier.send(fields) }
            lastStatus = status
        }
    }

    /// `3 pending, 1 waiting for an operator, 41 proxied`.
    static func status(_ snapshot: GateSnapshot) -> String {
        let waiting = snapshot.pending.filter { $0.state == .pending }.count
        let proxied = max(0, snapshot.connections - snapshot.counters.pending)
        return "\(snapshot.counters.pending) pending, \(waiting) waiting for an operator, \(proxied) proxied"
    }

    /// Half of `$WATCHDOG_USEC`, when it is set for this process (`$WATCHDOG_PID` unset or ours).
    static func watchdogInterval(environment: [String: String] = ProcessInfo.processInfo.environment) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], Int32(pid) != getpid() { return nil }
        return .microseconds(microseconds / 2)
    }
}
