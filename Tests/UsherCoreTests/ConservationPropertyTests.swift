import PropertyBased
import Testing
import UsherCore

/// Random event sequences against the provider core; after every step the conservation invariant
/// and the queue bookkeeping must hold.
@Suite("Conservation invariant under random events", .timeLimit(.minutes(1)))
struct ConservationPropertyTests {
    /// One random step, decoded from an integer so that shrinking finds short failing sequences.
    enum Step: CustomStringConvertible {
        case arrive(listener: Int)
        case decide(pick: Int, Decision)
        case withdraw(pick: Int)
        case connectionClosed(pick: Int)
        case callerFinishedSending(pick: Int)
        case upstreamConnected(pick: Int)
        case upstreamFailed(pick: Int)
        case advance(milliseconds: Int)
        case shutDown

        init(code: Int) {
            let pick = code / 16
            switch code % 16 {
            case 0, 1, 2, 3: self = .arrive(listener: pick % 2)
            case 4: self = .decide(pick: pick, .accept)
            case 5: self = .decide(pick: pick, .reject(.close))
            case 6: self = .decide(pick: pick, .reject(.reset))
            case 7: self = .decide(pick: pick, .deferral(.milliseconds(pick % 5000)))
            case 8: self = .withdraw(pick: pick)
            case 9: self = pick % 2 == 0 ? .connectionClosed(pick: pick) : .callerFinishedSending(pick: pick)
            case 10, 11: self = .upstreamConnected(pick: pick)
            case 12: self = .upstreamFailed(pick: pick)
            case 13, 14: self = .advance(milliseconds: pick % 3000)
            default: self = pick % 20 == 0 ? .shutDown : .advance(milliseconds: 10)
            }
        }

        var description: String {
            switch self {
            case .arrive(let listener): "arrive(\(listener))"
            case .decide(let pick, let decision): "decide(\(pick), \(decision))"
            case .withdraw(let pick): "withdraw(\(pick))"
            case .connectionClosed(let pick): "closed(\(pick))"
            case .callerFinishedSending(let pick): "halfClosed(\(pick))"
            case .upstreamConnected(let pick): "connected(\(pick))"
            case .upstreamFailed(let pick): "failed(\(pick))"
            case .advance(let ms): "advance(\(ms)ms)"
            case .shutDown: "shutDown"
            }
        }
    }

    struct Harness {
        var core: ProviderCore
        var now = Moment.zero
        var port = 1

        /// An ID to act on: usually a live one, sometimes a finished or unknown one.
        func target(_ pick: Int) -> RequestID {
            let live = core.pendingRequests
            if pick % 7 == 0 || live.isEmpty { return RequestID(UInt64(pick % 50)) }
            return live[pick % live.count].id
        }

        mutating func run(_ step: Step) {
            switch step {
            case .arrive(let listener):
                port += 1
                _ = core.arrive(
                    on: ListenerID(listener), peer: CoreFixtures.peer(port), local: CoreFixtures.local, at: now)
            case .decide(let pick, let decision):
                _ = try? core.decide(target(pick), decision, by: .operator(Operator(pid: 1)), at: now)
            case .withdraw(let pick):
                _ = try? core.withdraw(target(pick), at: now)
            case .connectionClosed(let pick):
                _ = core.connectionClosed(target(pick), at: now)
            case .callerFinishedSending(let pick):
                _ = core.callerFinishedSending(target(pick), at: now)
            case .upstreamConnected(let pick):
                _ = try? core.upstreamConnected(target(pick), at: now)
            case .upstreamFailed(let pick):
                _ = try? core.upstreamFailed(target(pick), reason: "refused", at: now)
            case .advance(let milliseconds):
                now = now + .milliseconds(milliseconds)
                _ = core.advance(to: now)
            case .shutDown:
                _ = core.shutDown(at: now)
            }
        }

        func checkInvariants(after step: Step) {
            let counters = core.counters
            #expect(counters.isConserved, "after \(step): \(counters)")
            #expect(counters.pending == core.pendingRequests.count, "after \(step)")
            let allPending = core.pendingRequests.allSatisfy { $0.state.isPending }
            #expect(allPending, "after \(step)")
            let perListener = core.listeners.map(\.counters)
            let allConserved = perListener.allSatisfy { $0.isConserved }
            #expect(allConserved, "after \(step)")
            #expect(perListener.map(\.arrived).reduce(0, +) == counters.arrived, "after \(step)")
            for status in core.listeners where !core.isShuttingDown {
                #expect(status.counters.pending <= status.limit, "after \(step): over the limit")
            }
            if let maxConnections = core.configuration.maxConnections, core.configuration.overflow == .pause,
               !core.isShuttingDown {
                #expect(core.connectionCount <= maxConnections, "after \(step): over the connection limit")
            }
            #expect(core.connectionCount >= counters.pending, "after \(step): a pending request has no connection")
            if case .advance = step, let next = core.nextDeadline {
                #expect(next > now, "after \(step): a due timer was not fired")
            }
        }
    }

    static let twoListeners = [8080, 8081].map { ListenerConfiguration(endpoint: Endpoint(host: "127.0.0.1", port: $0)) }

    static let configurations: [ProviderConfiguration] = [
        ProviderConfiguration(policy: .ask, pendingTimeout: .seconds(2), maxPending: 5, overflow: .pause),
        ProviderConfiguration(policy: .ask, pendingTimeout: .seconds(1), timeoutAction: .accept, maxPending: 3, overflow: .reset),
        ProviderConfiguration(policy: .accept, pendingTimeout: nil, maxPending: 4, maxConnections: 6, overflow: .pause),
        ProviderConfiguration(policy: .ask, pendingTimeout: .seconds(1), maxPending: 5, maxConnections: 3, overflow: .reset),
        ProviderConfiguration(policy: .reject, pendingTimeout: .seconds(1), maxPending: 2, overflow: .reset),
    ]

    @Test("the invariant holds after every step", arguments: 0..<configurations.count)
    func invariantHolds(configuration: Int) async {
        let codes = Gen.int(in: 0...100_000).array(of: 1...300)
        await propertyCheck(count: 200, input: codes) { codes in
            var harness = Harness(core: ProviderCore(configuration: Self.configurations[configuration], listeners: Self.twoListeners))
            for code in codes {
                let step = Step(code: code)
                harness.run(step)
                harness.checkInvariants(after: step)
            }
        }
    }
}
