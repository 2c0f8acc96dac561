/// The request under the cursor left the table (another operator decided it, its client went
/// away, its timeout ran out): the cursor stays on a line in its place that says so until the
/// operator moves, so that no key meant for it lands on the request that took its place.
public struct DepartedSelection: Hashable, Sendable {
    public var id: String
    /// What happened: `r5 withdrawn by its client`, `r5 accepted by pid 812`.
    public var text: String
    /// Where the line sits in the table: before the row of this index.
    public var position: Int
    /// The row right after it, to keep its place as other rows come and go.
    var next: String?
}

/// A line of the pending table: a request, or the place of the one that left.
public enum TableLine: Hashable, Sendable {
    case request(PendingRow)
    case departed(DepartedSelection)
}
