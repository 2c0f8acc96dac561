/// The first bytes a client sent while its request was pending: the *caller user data* of
/// Winsock's condition function (`WSPAccept`).
///
/// Conditions and operators see at most `capacity` bytes; the IO layer keeps every byte it read
/// and replays all of them upstream on accept, so capture never loses data.
public struct CallerData: Hashable, Sendable {
    /// The most bytes kept for conditions and display.
    public static let capacity = 4096

    /// The captured bytes, at most `capacity`.
    public private(set) var bytes: [UInt8] = []
    /// How many bytes the client sent while pending, including any beyond `capacity`.
    public private(set) var totalCount = 0
    /// What the bytes say at a glance (printable text, HTTP request, TLS server name), read
    /// once as the bytes arrive rather than by every observer.
    public private(set) var preview = CallerDataPreview([])

    public init(bytes: [UInt8] = []) {
        append(bytes)
    }

    /// `true` once `capacity` bytes are held.
    public var isFull: Bool { bytes.count >= Self.capacity }

    /// Drops the first `count` bytes (a PROXY header that is not the client's own data).
    public mutating func removeFirst(_ count: Int) {
        let dropped = min(count, bytes.count)
        bytes.removeFirst(dropped)
        totalCount -= dropped
        preview = CallerDataPreview(bytes)
    }

    /// Counts bytes the client sent without keeping them.
    public mutating func count(_ sent: Int) {
        totalCount += max(0, sent)
    }

    /// Adds bytes the client sent, keeping at most `capacity`.
    public mutating func append(_ more: some Collection<UInt8>) {
        totalCount += more.count
        let room = Self.capacity - bytes.count
        guard room > 0, !more.isEmpty else { return }
        bytes.append(contentsOf: more.prefix(room))
        if !preview.isSettled { preview = CallerDataPreview(bytes) }
    }
}
