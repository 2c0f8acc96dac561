import Testing
import UsherCore

@Suite("Request lifecycle transition table", .timeLimit(.minutes(1)))
struct RequestLifecycleTests {
    static let soon = Moment(nanoseconds: 5_000)
    static let later = Moment(nanoseconds: 9_000)

    static let states: [RequestState] = [
        .arrived, .pending, .deferred(until: soon), .admitting(timedOut: false), .admitting(timedOut: true),
        .accepted, .rejected(.close), .rejected(.reset), .withdrawn, .expired(.accept), .expired(.reject),
        .overflowed,
    ]

    static let events: [LifecycleEvent] = [
        .queue, .overflow, .accept, .reject(.close), .reject(.reset), .deferral(until: later), .deferralEnded,
        .timeout(.accept), .timeout(.reject), .withdraw, .upstreamConnected, .upstreamFailed,
    ]

    /// The legal transitions of docs/lifecycle.md, written out independently of the implementation.
    static let legal: [(RequestState, LifecycleEvent, RequestState)] = {
        var table: [(RequestState, LifecycleEvent, RequestState)] = [
            (.arrived, .queue, .pending),
            (.arrived, .overflow, .overflowed),
            (.deferred(until: soon), .deferralEnded, .pending),
            (.admitting(timedOut: false), .upstreamConnected, .accepted),
            (.admitting(timedOut: true), .upstreamConnected, .expired(.accept)),
            (.admitting(timedOut: false), .upstreamFailed, .rejected(.close)),
            (.admitting(timedOut: true), .upstreamFailed, .rejected(.close)),
            (.admitting(timedOut: false), .withdraw, .withdrawn),
            (.admitting(timedOut: true), .withdraw, .withdrawn),
        ]
        for undecided in [RequestState.pending, .deferred(until: soon)] {
            table += [
                (undecided, .accept, .admitting(timedOut: false)),
                (undecided, .reject(.close), .rejected(.close)),
                (undecided, .reject(.reset), .rejected(.reset)),
                (undecided, .deferral(until: later), .deferred(until: later)),
                (undecided, .timeout(.accept), .admitting(timedOut: true)),
                (undecided, .timeout(.reject), .expired(.reject)),
                (undecided, .withdraw, .withdrawn),
            ]
        }
        return table
    }()

    @Test("every legal transition leads to its state", arguments: 0..<legal.count)
    func legalTransition(index: Int) {
        let (state, event, expected) = Self.legal[index]
        #expect(RequestLifecycle.next(after: event, in: state) == expected)
    }

    @Test("every other pair is illegal")
    func illegalTransitions() {
        var illegal = 0
        for state in Self.states {
            for event in Self.events where !Self.legal.contains(where: { $0.0 == state && $0.1 == event }) {
                #expect(RequestLifecycle.next(after: event, in: state) == nil, "\(state) + \(event)")
                illegal += 1
            }
        }
        #expect(illegal == Self.states.count * Self.events.count - Self.legal.count)
    }

    @Test("finished states accept no event")
    func finishedStatesAreFinal() {
        for state in Self.states where state.isFinished {
            for event in Self.events {
                #expect(RequestLifecycle.next(after: event, in: state) == nil)
            }
        }
    }

    @Test("an illegal event throws a typed error and changes nothing")
    func illegalEventThrows() throws {
        var request = Request(
            id: RequestID(7), listener: ListenerID(0), peer: Endpoint(host: "127.0.0.1", port: 4000),
            local: Endpoint(host: "127.0.0.1", port: 8080), arrivedAt: .zero)
        #expect(throws: LifecycleError.illegalTransition(RequestID(7), from: .arrived, event: .accept)) {
            try request.apply(.accept)
        }
        #expect(request.state == .arrived)
        try request.apply(.queue)
        try request.apply(.reject(.reset))
        #expect(throws: LifecycleError.alreadyDecided(RequestID(7), .rejected(.reset), by: nil)) {
            try request.apply(.withdraw)
        }
        #expect(request.state == .rejected(.reset))
    }

    @Test("pending sub-states count as pending")
    func pendingSubStates() {
        #expect(RequestState.pending.isPending)
        #expect(RequestState.deferred(until: Self.soon).isPending)
        #expect(RequestState.admitting(timedOut: false).isPending)
        #expect(!RequestState.arrived.isPending)
        #expect(!RequestState.accepted.isPending)
        #expect(RequestState.admitting(timedOut: true).isUndecided == false)
    }
}
