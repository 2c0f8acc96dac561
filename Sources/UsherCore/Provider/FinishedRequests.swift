import DequeModule

/// The most recently finished requests, so that a late decision gets "already accepted by pid N"
/// instead of "no such request", and observers can look back.
struct FinishedRequests: Sendable {
    private var byID: [RequestID: Request] = [:]
    private var order = Deque<RequestID>()
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    subscript(id: RequestID) -> Request? { byID[id] }

    mutating func insert(_ request: Request) {
        if byID.updateValue(request, forKey: request.id) == nil {
            order.append(request.id)
        }
        while order.count > capacity, let oldest = order.popFirst() {
            byID[oldest] = nil
        }
    }
}
