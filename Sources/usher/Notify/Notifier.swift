import Dispatch
import Foundation
import Logging
import Synchronization
import UsherControl
import UsherCore
import UsherGate
import UsherWire

/// `--notify CMD`: runs the command when a request starts waiting for an operator (Winsock's
/// FD_ACCEPT, for a person who is not watching), with the request in environment variables
/// and as JSON on standard input; at the rate `--notify-rate` allows, the rest counted into the
/// next run. The command runs beside the gate: a slow or failing one never delays a decision;
/// failures are logged, and a run is stopped after ``runLimit``.
final class Notifier: Sendable {
    let command: NotifyCommand
    let executable: String
    private let control: String
    private let listeners: ListenerNames
    /// The request as it is now (with the caller data that arrived since it started waiting).
    private let current: @Sendable (RequestID) -> Request?
    private let logger: Logger
    /// Where failures are told to operators (the dashboard's event log).
    private let notices: NoticeBoard
    private let state: Mutex<State>

    /// The longest a run may take before it is stopped (SIGTERM).
    static let runLimit = Duration.seconds(60)
    /// How long a run waits before it reads the request: a client sends its first bytes (an
    /// HTTP request line, a TLS ClientHello) just after connecting, and the command should see
    /// them.
    static let settle = 0.2
    /// How many request IDs are remembered, so that each request is notified once.
    static let rememberedLimit = 10_000

    private struct State {
        var schedule: NotifySchedule
        var notified = Set<RequestID>()
        var order: [RequestID] = []
    }

    /// The events it needs: the outcomes that leave a request waiting for an operator.
    static let interest: EventInterest = .asking

    /// `listeners`: each listener's address, by index; `current`: a request as it is now.
    init(
        command: NotifyCommand, executable: String, rate: NotifyRate, listeners: ListenerNames, control: String, logger: Logger,
        notices: NoticeBoard, current: @escaping @Sendable (RequestID) -> Request?
    ) {
        self.notices = notices
        self.current = current
        self.command = command
        self.executable = executable
        self.listeners = listeners
        self.control = control
        self.logger = logger
        state = Mutex(State(schedule: NotifySchedule(rate: rate)))
    }

    /// On the gate's event thread: only queues.
    func record(_ event: GateEvent) {
        guard case .request(let step) = event.event, case .evaluated = step.kind, step.request.state.isUndecided,
              step.request.lastOutcome?.verdict == .ask
        else { return }
        let request = step.request
        let action = state.withLock { state -> NotifySchedule.Action in
            guard state.notified.insert(request.id).inserted else { return .nothing }
            state.order.append(request.id)
            if state.order.count > Self.rememberedLimit { state.notified.remove(state.order.removeFirst()) }
            return state.schedule.asked(request, at: .now)
        }
        carryOut(action)
    }

    private func carryOut(_ action: NotifySchedule.Action) {
        switch action {
        case .nothing:
            return
        case .wake(let moment):
            let delay = max(0, Double((moment - .now).nanosecondsClamped) / 1e9)
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in
                carryOut(state.withLock { $0.schedule.woke(at: .now) })
            }
        case .run(let request, let waiting):
            Thread.detachNewThread { [self] in
                run(request, waiting: waiting)
                carryOut(state.withLock { $0.schedule.finished(at: .now) })
            }
        }
    }

    /// Runs the command once and waits for it (on a thread of its own); nothing when the request
    /// was decided meanwhile.
    private func run(_ request: Request, waiting: Int) {
        Thread.sleep(forTimeInterval: Self.settle)
        let request = current(request.id) ?? request
        guard request.state.isUndecided else { return }
        let wire = WireRequest(request, clock: WireClock(now: .now))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.words.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        let listener = listeners[ListenerID(wire.listener)]
        for (name, value) in Self.variables(wire, listener: listener, waiting: waiting, control: control) { environment[name] = value }
        process.environment = environment
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return failed(wire.id, ["error": "\(error)"], text: "\(error)")
        }
        var json = WireJSON.encode(NotifyInput(request: wire, waiting: waiting))
        json.append(0x0A)
        try? input.fileHandleForWriting.write(contentsOf: Data(json))
        try? input.fileHandleForWriting.close()
        let limit = DispatchWorkItem { [process] in if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + Double(Self.runLimit.nanosecondsClamped) / 1e9, execute: limit)
        let errorText = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        limit.cancel()
        guard process.terminationReason != .exit || process.terminationStatus != 0 else { return }
        let how = process.terminationReason == .exit ? "exit \(process.terminationStatus)" : "signal \(process.terminationStatus)"
        let firstLine = String(decoding: errorText.prefix(512), as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        failed(wire.id, ["status": "\(how)", "stderr": "\(firstLine)"], text: firstLine.isEmpty ? how : "\(how): \(firstLine)")
    }

    /// A run that failed: a warning in the log, and a notice to operators.
    private func failed(_ id: String, _ metadata: Logger.Metadata, text: String) {
        logger.warning("notify failed", metadata: metadata.merging(["command": "\(command.words[0])", "id": "\(id)"]) { $1 })
        notices.post(WireNotice(source: "notify", level: .warning, text: "\(command.words[0]) failed for \(id): \(text)"))
    }

    /// The request as the command's environment: `USHER_ID`, `USHER_PEER`, `USHER_LISTENER`,
    /// `USHER_LOCAL`, `USHER_PREVIEW`, `USHER_SNI`, `USHER_HOST`, `USHER_WAITING`,
    /// `USHER_CONTROL`.
    static func variables(_ request: WireRequest, listener: String, waiting: Int, control: String) -> [String: String] {
        var variables = [
            "USHER_ID": request.id, "USHER_PEER": request.client, "USHER_LISTENER": listener,
            "USHER_LOCAL": request.local, "USHER_PREVIEW": request.callerData.preview, "USHER_WAITING": "\(waiting)",
            "USHER_CONTROL": control,
        ]
        variables["USHER_SNI"] = request.callerData.tlsServerName ?? ""
        variables["USHER_HOST"] = request.callerData.httpHost ?? ""
        return variables
    }
}

/// What the command reads on standard input: one JSON line.
struct NotifyInput: Encodable {
    var request: WireRequest
    var waiting: Int
}
