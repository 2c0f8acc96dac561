import NIOConcurrencyHelpers
import UsherCore

/// Hands every provider event to the observers registered so far, in order.
final class EventFanout: Sendable {
    private let observers = NIOLockedValueBox<[@Sendable (ProviderEvent) -> Void]>([])

    func add(_ observer: @escaping @Sendable (ProviderEvent) -> Void) {
        observers.withLockedValue { $0.append(observer) }
    }

    func publish(_ event: ProviderEvent) {
        for observer in observers.withLockedValue({ $0 }) {
            observer(event)
        }
    }
}
