/// What one request has already been counted for, so that evaluating it again as its caller
/// data arrives counts it once: in each rule's `evaluated` and `matched`, and in each rate.
public struct RequestTally: Hashable, Sendable {
    /// Rules whose counters count this request as evaluated.
    public internal(set) var tested: Set<String> = []
    /// Rules whose counters count this request as matched.
    public internal(set) var matched: Set<String> = []
    /// Rules whose rate counted this request.
    public internal(set) var rated: Set<String> = []

    public init() {}
}
