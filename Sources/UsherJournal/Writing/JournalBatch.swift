/// The writes of one transaction, as few statements as they allow: a connection that closed
/// before its request's row was written goes into that row, not into an update after it.
struct JournalBatch {
    private(set) var requests: [RequestRecord] = []
    /// Where each request of the batch is in `requests`, by run and sequence.
    private var places: [Key: Int] = [:]
    private(set) var closes: [JournalWrite] = []
    private(set) var daemonRecords: [DaemonRecord] = []

    private struct Key: Hashable {
        let run: Int64
        let sequence: Int64
    }

    var count: Int { requests.count + closes.count + daemonRecords.count }
    var isEmpty: Bool { count == 0 }

    mutating func add(_ write: JournalWrite) {
        switch write {
        case .request(let record):
            let place = requests.count
            places[Key(run: record.run, sequence: record.sequence)] = place
            requests.append(record)
        case .closed(let run, let sequence, let up, let down, let at):
            guard let place = places[Key(run: run, sequence: sequence)] else { return closes.append(write) }
            requests[place].bytesUp = up
            requests[place].bytesDown = down
            requests[place].closedAt = at
        case .daemon(let record):
            daemonRecords.append(record)
        }
    }
}
