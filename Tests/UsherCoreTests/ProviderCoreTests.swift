import Testing
import UsherCore

@Suite("Provider core", .timeLimit(.minutes(1)))
struct ProviderCoreTests {
    typealias F = CoreFixtures

    @Test("policy ask holds the request and records the outcome")
    func askHolds() throws {
        var core = F.core()
        let (queued, output) = core.queued()
        let id = try #require(queued)
        let request = try #require(core.request(id))
        #expect(output.actions.isEmpty)
        #expect(output.requestEventKinds == [.arrived, .evaluated])
        #expect(request.state == .pending)
        #expect(request.outcomes.map(\.verdict) == [.ask])
        #expect(request.timeoutDeadline == F.seconds(60))
        #expect(core.counters.pending == 1 && core.counters.isConserved)
    }

    @Test("policy accept admits at once, accepted once the upstream is up")
    func acceptPolicy() throws {
        var core = F.core(policy: .accept)
        let (queued, output) = core.queued()
        let id = try #require(queued)
        #expect(output.actions == [.connection(id, .connectUpstream)])
        #expect(core.request(id)?.state == .admitting(timedOut: false))
        let connected = try core.upstreamConnected(id, at: F.seconds(0.01))
        #expect(connected.requestEventKinds == [.accepted])
        #expect(core.counters.accepted == 1 && core.counters.pending == 0 && core.counters.isConserved)
        #expect(core.request(id)?.decider == .policy)
    }

    @Test("events no observer needs are counted, not built: the same steps, the same actions, fewer events")
    func eventInterest() throws {
        var core = F.core(policy: .accept)
        core.eventInterest = []
        let (queued, output) = core.queued()
        let id = try #require(queued)
        #expect(output.actions == [.connection(id, .connectUpstream)])
        #expect(output.events.isEmpty && output.unbuiltEvents == 2, "arrived and evaluated, counted")
        core.eventInterest = .steps
        let data = try core.received(Array("GET / HTTP/1.1\r\n".utf8), for: id, at: F.seconds(0.005))
        #expect(data.events.isEmpty && data.unbuiltEvents == 0, "data after the decision is no event at all")
        let connected = try core.upstreamConnected(id, at: F.seconds(0.01))
        #expect(connected.requestEventKinds == [.accepted] && connected.unbuiltEvents == 0)
        #expect(core.request(id)?.state == .accepted && core.request(id)?.decider == .policy)
        core.eventInterest = .steps
        let (second, secondOutput) = core.queued(port: 2)
        #expect(second != nil && secondOutput.requestEventKinds == [.arrived] && secondOutput.unbuiltEvents == 1)
        #expect(core.counters.isConserved)
    }

    @Test("a proxied connection's close is a closed event with its bytes, even after the history let go of its request")
    func closedEvent() throws {
        var core = ProviderCore(configuration: ProviderConfiguration(policy: .accept), listeners: [], history: 2)
        let id = try #require(core.queued().0)
        _ = try core.upstreamConnected(id, at: F.seconds(1))
        for port in 1...3 {
            let other = try #require(core.queued(port: port).0)
            let withdrawn = core.connectionClosed(other, at: F.seconds(2))  // withdrawn while admitting
            #expect(withdrawn.requestEventKinds == [.withdrawn], "no proxied connection, no closed event")
        }
        #expect(core.request(id) == nil, "the finished history (2) let go of it")
        let closed = core.connectionClosed(id, transferred: Transferred(toUpstream: 46, toClient: 145), at: F.seconds(3))
        #expect(closed.requestEventKinds == [.closed(Transferred(toUpstream: 46, toClient: 145))])
        guard case .request(let event) = closed.events.first else { return }
        #expect(event.request.id == id && event.request.state == .accepted && event.request.finishedAt == F.seconds(1))
        #expect(core.connectionClosed(id, transferred: Transferred(toUpstream: 1, toClient: 1), at: F.seconds(4)).events.isEmpty)
        #expect(core.connectionCount == 0 && core.counters.isConserved)
    }

    @Test("policy reject sends the default rejection")
    func rejectPolicy() throws {
        let busy = Rejection(mode: .close, message: Array("busy\r\n".utf8))
        var core = F.core(policy: .reject, rejection: busy)
        let (queued, output) = core.queued()
        let id = try #require(queued)
        #expect(output.actions == [.connection(id, .reject(busy))])
        #expect(output.requestEventKinds == [.arrived, .evaluated, .rejected(.close)])
        #expect(core.counters.rejected == 1 && core.counters.isConserved)
    }

    @Test("an operator accepts, rejects and resets", arguments: [
        (Decision.accept, RequestState.admitting(timedOut: false)),
        (Decision.reject(.close), RequestState.rejected(.close)),
        (Decision.reject(.reset), RequestState.rejected(.reset)),
    ])
    func operatorDecides(decision: Decision, expected: RequestState) throws {
        var core = F.core()
        let id = try #require(core.queued().0)
        let person = Decider.operator(Operator(pid: 4411, uid: 0))
        _ = try core.decide(id, decision, by: person, at: F.seconds(2))
        let request = try #require(core.request(id))
        #expect(request.state == expected)
        #expect(request.lastOutcome?.condition == "operator")
        #expect(request.lastOutcome?.reason == "uid 0 (pid 4411)")
        #expect(core.counters.isConserved)
    }

    @Test("a deferral ends in pending, then the timeout expires the request")
    func deferralThenTimeout() throws {
        var core = F.core(timeout: .seconds(10))
        let id = try #require(core.queued().0)
        let deferred = try core.decide(id, .deferral(.seconds(3)), by: .operator(Operator()), at: F.seconds(1))
        #expect(deferred.requestEventKinds == [.evaluated, .deferred(until: F.seconds(4))])
        #expect(core.nextDeadline == F.seconds(4))
        #expect(core.advance(to: F.seconds(3.9)).events.isEmpty)
        let ended = core.advance(to: F.seconds(4))
        #expect(ended.requestEventKinds == [.undeferred])
        #expect(core.request(id)?.state == .pending)
        let expired = core.advance(to: F.seconds(10))
        #expect(expired.actions == [.connection(id, .reject(.close))])
        #expect(expired.requestEventKinds == [.evaluated, .expired(.reject)])
        #expect(core.counters.expired == 1 && core.counters.isConserved)
    }

    @Test("a deferral that outlives the timeout gets the timeout action when it ends")
    func deferralPastTimeout() throws {
        var core = F.core(timeout: .seconds(5))
        let id = try #require(core.queued().0)
        _ = try core.decide(id, .deferral(.seconds(30)), by: .operator(Operator()), at: F.seconds(1))
        #expect(core.advance(to: F.seconds(6)).events.isEmpty, "the timeout waits while deferred")
        let ended = core.advance(to: F.seconds(31))
        #expect(ended.requestEventKinds == [.evaluated, .expired(.reject)])
        #expect(core.request(id)?.state == .expired(.reject))
    }

    @Test("an operator is named by user name, uid and pid, as far as they are known")
    func operatorNames() {
        #expect(Operator(pid: 812, uid: 1000, name: "alice").description == "alice (uid 1000, pid 812)")
        #expect(Operator(pid: 812, uid: 1000).description == "uid 1000 (pid 812)")
        #expect(Operator(pid: 812).description == "pid 812")
        #expect(Operator().description == "operator")
        #expect(Decider.operator(Operator(pid: 9, uid: 0, name: "root")).description == "root (uid 0, pid 9)")
    }

    @Test("a deferral that extends the timeout leaves the request the time it had left")
    func deferralExtendingTimeout() throws {
        var core = F.core(timeout: .seconds(5))
        let id = try #require(core.queued().0)
        _ = try core.decide(id, .deferral(.seconds(30)), by: .operator(Operator()), extendingTimeout: true, at: F.seconds(1))
        #expect(core.request(id)?.timeoutDeadline == F.seconds(35))
        let ended = core.advance(to: F.seconds(31))
        #expect(ended.requestEventKinds == [.undeferred], "pending again, with the 4s it had left")
        #expect(core.advance(to: F.seconds(34.9)).events.isEmpty)
        #expect(core.advance(to: F.seconds(35)).requestEventKinds == [.evaluated, .expired(.reject)])
        #expect(core.counters.isConserved)
    }

    @Test("the timeout with action accept admits, and counts as expired")
    func timeoutAccept() throws {
        var core = F.core(timeout: .seconds(1), timeoutAction: .accept)
        let id = try #require(core.queued().0)
        let output = core.advance(to: F.seconds(1))
        #expect(output.actions == [.connection(id, .connectUpstream)])
        let connected = try core.upstreamConnected(id, at: F.seconds(1.01))
        #expect(connected.requestEventKinds == [.expired(.accept)])
        #expect(core.counters.expired == 1 && core.counters.accepted == 0 && core.counters.isConserved)
    }

    @Test("withdrawal is possible while pending, deferred or admitting", arguments: [0, 1, 2])
    func withdrawal(phase: Int) throws {
        var core = F.core()
        let id = try #require(core.queued().0)
        if phase == 1 { _ = try core.decide(id, .deferral(.seconds(5)), by: .policy, at: .zero) }
        if phase == 2 { _ = try core.decide(id, .accept, by: .policy, at: .zero) }
        let output = try core.withdraw(id, at: F.seconds(2))
        #expect(output.requestEventKinds == [.withdrawn])
        #expect(core.counters.withdrawn == 1 && core.counters.isConserved)
        #expect(throws: LifecycleError.alreadyDecided(id, .withdrawn, by: phase == 2 ? .policy : nil),
                "a deferral is not a decision: the client ended it") {
            try core.withdraw(id, at: F.seconds(3))
        }
    }

    @Test("a half-close withdraws an undecided request and closes it; keep, or being accepted, keeps it",
          arguments: [(HalfClosePolicy.withdraw, 0), (.withdraw, 1), (.keep, 0), (.withdraw, 2)])
    func halfClose(policy: HalfClosePolicy, phase: Int) throws {
        var core = ProviderCore(
            configuration: ProviderConfiguration(halfClose: policy), listeners: [.standard])
        let id = try #require(core.queued().0)
        if phase == 1 { _ = try core.decide(id, .deferral(.seconds(5)), by: .policy, at: .zero) }
        if phase == 2 { _ = try core.decide(id, .accept, by: .policy, at: .zero) }
        let output = core.callerFinishedSending(id, at: F.seconds(1))
        if policy == .withdraw && phase < 2 {
            #expect(output.actions == [.connection(id, .close)])
            #expect(output.requestEventKinds == [.withdrawn])
            #expect(core.request(id)?.state == .withdrawn)
        } else {
            #expect(output.actions.isEmpty && output.events.isEmpty)
            #expect(core.request(id)?.callerFinishedSending == true)
        }
        #expect(core.counters.isConserved)
    }

    @Test("a half-close after the request finished leaves the action under way alone")
    func halfCloseAfterRejection() throws {
        var core = F.core(policy: .reject)
        let id = try #require(core.queued().0)
        #expect(core.callerFinishedSending(id, at: F.seconds(1)) == ProviderOutput())
        #expect(core.request(id)?.state == .rejected(.close))
    }

    @Test("an unreachable upstream rejects the request with the reason")
    func upstreamFailure() throws {
        var core = F.core(policy: .accept)
        let id = try #require(core.queued().0)
        let output = try core.upstreamFailed(id, reason: "connection refused", at: F.seconds(0.1))
        #expect(output.actions == [.connection(id, .reject(.close))])
        let request = try #require(core.request(id))
        #expect(request.state == .rejected(.close))
        #expect(request.decider == .upstream)
        #expect(request.lastOutcome?.reason == "connection refused")
        #expect(core.counters.rejected == 1 && core.counters.isConserved)
    }

    @Test("late, unknown and double decisions are typed errors")
    func decisionErrors() throws {
        var core = F.core()
        let id = try #require(core.queued().0)
        let first = Decider.operator(Operator(pid: 17))
        _ = try core.decide(id, .reject(.close), by: first, at: .zero)
        let late = #expect(throws: LifecycleError.self) {
            try core.decide(id, .accept, by: .operator(Operator(pid: 18)), at: .zero)
        }
        #expect(late?.description == "r1: already rejected by pid 17")
        #expect(throws: LifecycleError.unknownRequest(RequestID(99))) {
            try core.decide(RequestID(99), .accept, by: .policy, at: .zero)
        }
        let admitted = try #require(core.queued().0)
        _ = try core.decide(admitted, .accept, by: first, at: .zero)
        let again = #expect(throws: LifecycleError.self) {
            try core.decide(admitted, .reject(.reset), by: first, at: .zero)
        }
        #expect(again?.description == "r2: already accepted by pid 17")
        #expect(throws: LifecycleError.self) { try core.upstreamConnected(RequestID(1), at: .zero) }
        #expect(core.counters.isConserved)
    }

    @Test("a full queue pauses accepting, parks arrivals, and resumes below the limit")
    func pauseAndResume() throws {
        var core = F.core(maxPending: 2)
        let first = try #require(core.queued(port: 1).0)
        let (second, full) = core.queued(port: 2)
        #expect(second != nil)
        #expect(full.actions == [.listener(ListenerID(0), .pauseAccepting)])
        #expect(full.listenerEventKinds == [.paused(.pendingQueue)])
        let (outcome, parked) = core.arrive(on: ListenerID(0), peer: F.peer(3), local: F.local, at: .zero)
        #expect(outcome == .parked && parked.actions.isEmpty)
        #expect(core.counters.arrived == 2)
        let resumed = try core.decide(first, .reject(.close), by: .policy, at: F.seconds(1))
        #expect(resumed.actions == [.connection(first, .reject(.close)), .listener(ListenerID(0), .resumeAccepting)])
        #expect(core.queued(port: 3).0 != nil)
        #expect(core.counters.isConserved)
    }

    @Test("the connection limit counts proxied connections until they close, over all listeners")
    func connectionLimit() throws {
        var core = ProviderCore(
            configuration: ProviderConfiguration(policy: .accept, maxConnections: 2),
            listeners: [8080, 8081].map { ListenerConfiguration(endpoint: Endpoint(host: "127.0.0.1", port: $0)) })
        let first = try #require(core.queued(port: 1, listener: 0).0)
        _ = try core.upstreamConnected(first, at: .zero)
        let (second, full) = core.queued(port: 2, listener: 1)
        _ = try core.upstreamConnected(try #require(second), at: .zero)
        #expect(core.counters.pending == 0 && core.connectionCount == 2)
        #expect(full.listenerEventKinds == [.paused(.connections)])
        let (outcome, parked) = core.arrive(on: ListenerID(0), peer: F.peer(3), local: F.local, at: .zero)
        #expect(outcome == .parked, "the other listener is held back too")
        #expect(parked.actions == [.listener(ListenerID(0), .pauseAccepting)])
        let closed = core.connectionClosed(first, at: F.seconds(1))
        #expect(closed.actions == [.listener(ListenerID(0), .resumeAccepting), .listener(ListenerID(1), .resumeAccepting)])
        #expect(core.connectionCount == 1 && core.counters.accepted == 2 && core.counters.isConserved)
        #expect(core.connectionClosed(first, at: F.seconds(1)).actions.isEmpty, "a second close changes nothing")
    }

    @Test("a connection that closes while pending is a withdrawal")
    func connectionClosedWhilePending() throws {
        var core = F.core()
        let id = try #require(core.queued().0)
        #expect(core.connectionClosed(id, at: F.seconds(1)).requestEventKinds == [.withdrawn])
        #expect(core.connectionCount == 0 && core.counters.withdrawn == 1)
    }

    @Test("overflow reset turns away arrivals beyond the limit")
    func overflowReset() throws {
        var core = F.core(maxPending: 1, overflow: .reset)
        _ = try #require(core.queued(port: 1).0)
        let (outcome, output) = core.arrive(on: ListenerID(0), peer: F.peer(2), local: F.local, at: .zero)
        #expect(outcome == .overflowed(RequestID(2)))
        #expect(output.actions == [.connection(RequestID(2), .reject(.reset))])
        #expect(output.requestEventKinds == [.overflowed])
        #expect(core.counters.overflowed == 1 && core.counters.arrived == 2 && core.counters.isConserved)
    }

    @Test("limits apply per listener")
    func perListenerLimits() throws {
        var core = F.core(maxPending: 1, overflow: .reset, listeners: 2)
        #expect(core.queued(listener: 0).0 != nil)
        #expect(core.queued(listener: 1).0 != nil)
        #expect(core.listeners[0].counters.pending == 1 && core.listeners[1].counters.pending == 1)
    }

    @Test("shutting down applies the timeout action to every undecided request and to late arrivals")
    func shutdown() throws {
        var core = F.core(timeoutAction: .accept)
        let waiting = try #require(core.queued(port: 1).0)
        let deferred = try #require(core.queued(port: 2).0)
        _ = try core.decide(deferred, .deferral(.seconds(30)), by: .policy, at: .zero)
        let output = core.shutDown(at: F.seconds(1))
        #expect(output.actions == [.connection(waiting, .connectUpstream), .connection(deferred, .connectUpstream)])
        #expect(core.request(waiting)?.decider == .shutdown)
        let late = core.queued(port: 3)
        #expect(late.1.actions == [.connection(try #require(late.0), .connectUpstream)])
    }

    @Test("caller data keeps at most 4 KiB but counts every byte")
    func callerDataCapacity() throws {
        var core = F.core()
        let id = try #require(core.queued().0)
        let first = try core.received([UInt8](repeating: 0x41, count: 3000), for: id, at: .zero)
        let second = try core.received([UInt8](repeating: 0x42, count: 3000), for: id, at: .zero)
        let third = try core.received([UInt8](repeating: 0x43, count: 10), for: id, at: .zero)
        #expect(first.events.count == 1 && second.events.count == 1)
        #expect(third.events.isEmpty, "no event once the capture is full")
        let data = try #require(core.request(id)?.callerData)
        #expect(data.bytes.count == CallerData.capacity && data.totalCount == 6010 && data.isFull)
        #expect(data.bytes.last == 0x42)
    }

    @Test("no timeout means no deadline")
    func noTimeout() throws {
        var core = F.core(timeout: nil)
        _ = try #require(core.queued().0)
        #expect(core.nextDeadline == nil)
        #expect(core.advance(to: F.seconds(1e6)).events.isEmpty)
    }

    @Test("IDs increase and are never reused")
    func monotonicIDs() throws {
        var core = F.core(policy: .reject)
        let ids = (0..<5).compactMap { core.queued(port: $0).0 }
        #expect(ids.map(\.description) == ["r1", "r2", "r3", "r4", "r5"])
        #expect(RequestID("r17") == RequestID(17) && RequestID("17") == RequestID(17))
        #expect(RequestID("rx") == nil && RequestID("") == nil && RequestID("r-1") == nil)
    }
}
