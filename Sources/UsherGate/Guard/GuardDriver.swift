import NIOConcurrencyHelpers
import NIOCore
import UsherCore

/// Runs the sans-IO ``ProviderCore`` for `usher guard`, with a ``GuardDoor`` for its only
/// listeners: SYNs from the queue arrive as connection requests, and the core's actions become
/// verdicts on the held packets.
///
/// Every call locks the core, applies one step, carries out the actions through the door (an
/// accepted request is done once its SYN passes: the server's kernel completes the handshake),
/// and sends the verdicts once the lock is released.
final class GuardDriver: CoreHost, GuardHost {
    private let core: NIOLockedValueBox<ProviderCore>
    private let events: EventFanout
    let door: GuardDoor

    init(core: ProviderCore, door: GuardDoor, events: EventFanout) {
        self.core = NIOLockedValueBox(core)
        self.door = door
        self.events = events
    }

    /// Gives every undecided request the timeout action.
    func shutDown() {
        stepThroughDoor { $0.shutDown(at: .now) }
    }

    func snapshot(includingPending: Bool = true) -> GateSnapshot {
        let held = door.heldCount
        return core.withLockedValue { core in
            GateSnapshot(
                counters: core.counters, listeners: core.listeners, connections: held,
                pending: includingPending ? core.pendingRequests : [], at: .now,
                lastEventSequence: events.lastSequence, drainingUntil: nil)
        }
    }

    // MARK: Stepping

    func stepThroughDoor(_ body: (inout ProviderCore) -> ProviderOutput) {
        stepCore { core in ((), body(&core)) }
    }

    func stepCore<Result>(_ body: (inout ProviderCore) -> (Result, ProviderOutput)) -> Result {
        let result = core.withLockedValue { core in
            core.eventInterest = events.interest
            let (result, output) = body(&core)
            conclude(output, in: &core)
            return result
        }
        deliver()
        return result
    }

    func tryStepCore<Result>(
        _ body: (inout ProviderCore) throws(LifecycleError) -> (Result, ProviderOutput)
    ) throws(LifecycleError) -> Result {
        let attempt: Swift.Result<Result, LifecycleError> = core.withLockedValue { core in
            core.eventInterest = events.interest
            do throws(LifecycleError) {
                let (result, output) = try body(&core)
                conclude(output, in: &core)
                return .success(result)
            } catch {
                return .failure(error)
            }
        }
        let result = try attempt.get()
        deliver()
        return result
    }

    func readCore<Result>(_ body: (ProviderCore) -> Result) -> Result {
        core.withLockedValue { body($0) }
    }

    /// Under the lock: queues the events and carries out each action through the door, whose
    /// answers may call for more.
    private func conclude(_ output: ProviderOutput, in core: inout ProviderCore) {
        var work = output
        while !work.actions.isEmpty || !work.events.isEmpty || work.unbuiltEvents > 0 {
            events.enqueue(work.events, unbuilt: work.unbuiltEvents)
            var next = ProviderOutput()
            let now = Moment.now
            for case .connection(let id, let action) in work.actions {
                if let more = door.perform(action, on: id, core: &core, at: now) { next.append(contentsOf: more) }
            }
            work = next
        }
    }

    private func deliver() {
        events.deliver()
        door.flush()
    }
}
