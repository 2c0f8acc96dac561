/// A provider event with its place in the gate's event sequence.
///
/// Sequence numbers start at 1 and increase by one per event, in the order the core produced the
/// events; a ``GateSnapshot`` names the last event it includes, so an observer that takes a
/// snapshot and then follows events can tell which events the snapshot already holds.
public struct GateEvent: Hashable, Sendable {
    public var sequence: UInt64
    public var event: ProviderEvent

    public init(sequence: UInt64, event: ProviderEvent) {
        self.sequence = sequence
        self.event = event
    }
}
