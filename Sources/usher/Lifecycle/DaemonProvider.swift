import Logging
import ServiceLifecycle
import UsherCore
import UsherGate

/// What a daemon decides for: a gate (its own listeners, each accepted connection proxied) or a
/// guard (connection requests held at the door of servers on guarded ports, `--guard`). Every
/// other part of the daemon (control socket, journal, metrics, notifications, the dashboard)
/// sees only the ``Provider``.
enum DaemonProvider: Sendable {
    case gate(Gate)
    case guarded(Guard)

    var provider: any Provider {
        switch self {
        case .gate(let gate): gate
        case .guarded(let guarded): guarded
        }
    }

    /// The listeners as the journal and notifications name them (`127.0.0.1:8080`, `*:8080`).
    var listenerNames: ListenerNames {
        switch self {
        case .gate(let gate): gate.listenerNames
        case .guarded(let guarded): guarded.listenerNames
        }
    }

    /// The service that reports it ready, and stops it at the group's shutdown.
    func service(controlPath: String, logger: Logger) -> any Service {
        switch self {
        case .gate(let gate): GateService(gate: gate, controlPath: controlPath, logger: logger)
        case .guarded(let guarded): GuardService(provider: guarded, controlPath: controlPath, logger: logger)
        }
    }

    /// Stops it, for a start that failed after it started.
    func shutdown() async {
        switch self {
        case .gate(let gate): await gate.shutdown()
        case .guarded(let guarded): await guarded.shutdown()
        }
    }
}
