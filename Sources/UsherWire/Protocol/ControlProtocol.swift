/// Facts about the control protocol: newline-delimited JSON over a Unix socket.
///
/// Each line a client sends is one request object with `v`, `id` and `op`; each line the server
/// sends is one message with `v`, `id` (the request's, when it answers one) and `type`, its
/// payload under the key named by the type. See `docs/control-protocol.md`.
public enum ControlProtocol {
    /// The version this usher speaks (`"v":1`).
    public static let version = 1
    /// The longest request line the server reads; a longer line gets an error reply and the connection is closed.
    public static let maximumRequestLine = 64 * 1024
    /// The deepest a request may nest arrays and objects (requests need 2); a deeper line is
    /// refused unread.
    public static let maximumNesting = 32
    /// How long `defer` postpones a decision when the request names no duration.
    public static let defaultDeferral: Duration = .seconds(30)
    /// The longest line a client reads (a snapshot of many pending requests is long).
    public static let maximumMessageLine = 256 * 1024 * 1024
}
