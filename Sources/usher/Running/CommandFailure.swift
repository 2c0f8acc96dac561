/// A failure a command reports as one line, with its exit code.
struct CommandFailure: Error {
    /// Exit codes of the command-line contract (sysexits where one applies).
    enum Code: Int32 {
        case runtime = 1
        case usage = 64
        case unavailable = 69
        /// The process lacks a privilege it needs (sysexits' EX_NOPERM).
        case noPermission = 77
    }

    var message: String
    var exitCode: Int32

    init(_ message: String, code: Code) {
        self.message = message
        self.exitCode = code.rawValue
    }
}
