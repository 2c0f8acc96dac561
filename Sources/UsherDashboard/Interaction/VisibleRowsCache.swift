import Synchronization

/// The last filtered and sorted rows with what they were made from. A reference shared by the
/// copies of one ``Dashboard``: a copy whose rows, filter or order differ simply misses.
final class VisibleRowsCache: Sendable {
    struct Key: Hashable {
        var rowsVersion: Int
        var filter: RowFilter
        var sort: SortOrder
        var descending: Bool
    }

    private let entry = Mutex<(key: Key, rows: [PendingRow])?>(nil)

    func rows(for key: Key) -> [PendingRow]? {
        entry.withLock { entry in entry?.key == key ? entry?.rows : nil }
    }

    func store(_ rows: [PendingRow], for key: Key) {
        entry.withLock { $0 = (key, rows) }
    }
}
