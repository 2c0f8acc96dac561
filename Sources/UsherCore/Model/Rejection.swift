/// How a rejected connection ends.
public enum RejectMode: String, Hashable, Sendable, CaseIterable, Codable {
    /// An orderly close (FIN), after the optional reply bytes.
    case close
    /// An abortive close (RST via `SO_LINGER` 0): the client sees `ECONNRESET`, the nearest Linux
    /// gets to refusing a connection the kernel already completed.
    case reset
}

/// A rejection: its mode and the *response user data* sent before a `close`.
public struct Rejection: Hashable, Sendable, Codable {
    public var mode: RejectMode
    /// Bytes written to the client before closing (ignored for `reset`).
    public var message: [UInt8]

    public init(mode: RejectMode, message: [UInt8] = []) {
        self.mode = mode
        self.message = mode == .reset ? [] : message
    }

    public static let close = Rejection(mode: .close)
    public static let reset = Rejection(mode: .reset)
}
