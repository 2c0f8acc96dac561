/// The transition table of the request lifecycle (see docs/lifecycle.md), as a pure function.
///
/// Every legal `(state, event)` pair has exactly one next state; every other pair is illegal and
/// yields `nil`, which callers turn into a typed ``LifecycleError``.
public enum RequestLifecycle {
    /// The state after `event` in `state`, or `nil` when the event is illegal there.
    public static func next(after event: LifecycleEvent, in state: RequestState) -> RequestState? {
        switch (state, event) {
        case (.arrived, .queue): .pending
        case (.arrived, .overflow): .overflowed

        case (.pending, .accept), (.deferred, .accept): .admitting(timedOut: false)
        case (.pending, .reject(let mode)), (.deferred, .reject(let mode)): .rejected(mode)
        case (.pending, .deferral(let until)), (.deferred, .deferral(let until)): .deferred(until: until)
        case (.deferred, .deferralEnded): .pending
        case (.pending, .timeout(.accept)), (.deferred, .timeout(.accept)): .admitting(timedOut: true)
        case (.pending, .timeout(.reject)), (.deferred, .timeout(.reject)): .expired(.reject)
        case (.pending, .withdraw), (.deferred, .withdraw), (.admitting, .withdraw): .withdrawn

        case (.admitting(let timedOut), .upstreamConnected): timedOut ? .expired(.accept) : .accepted
        case (.admitting, .upstreamFailed): .rejected(.close)

        default: nil
        }
    }
}
