import UsherCore

/// Small builders shared by the core tests.
enum CoreFixtures {
    static let local = Endpoint(host: "127.0.0.1", port: 8080)

    static func peer(_ port: Int) -> Endpoint { Endpoint(host: "192.0.2.1", port: port) }

    static func seconds(_ value: Double) -> Moment { Moment(nanoseconds: UInt64(value * 1e9)) }

    static func core(
        policy: Policy = .ask, timeout: Duration? = .seconds(60), timeoutAction: TimeoutAction = .reject,
        maxPending: Int = 10_000, overflow: OverflowMode = .pause, listeners: Int = 1,
        rejection: Rejection = .close
    ) -> ProviderCore {
        ProviderCore(
            configuration: ProviderConfiguration(
                policy: policy, pendingTimeout: timeout, timeoutAction: timeoutAction,
                maxPending: maxPending, overflow: overflow, defaultRejection: rejection),
            listeners: (0..<listeners).map { ListenerConfiguration(endpoint: Endpoint(host: "127.0.0.1", port: 8080 + $0)) })
    }
}

extension ProviderCore {
    /// Arrives on listener 0 and returns the queued ID (or fails the test's expectations).
    mutating func queued(port: Int = 40_000, at now: Moment = .zero, listener: Int = 0) -> (RequestID?, ProviderOutput) {
        let (outcome, output) = arrive(
            on: ListenerID(listener), peer: CoreFixtures.peer(port), local: CoreFixtures.local, at: now)
        if case .queued(let id) = outcome { return (id, output) }
        return (nil, output)
    }
}

extension ProviderOutput {
    /// The kinds of the request events, in order.
    var requestEventKinds: [RequestEvent.Kind] {
        events.compactMap { if case .request(let event) = $0 { event.kind } else { nil } }
    }

    /// The kinds of the listener events, in order.
    var listenerEventKinds: [ListenerEvent.Kind] {
        events.compactMap { if case .listener(let event) = $0 { event.kind } else { nil } }
    }
}
