#if canImport(Glibc)
import Glibc
#endif

/// Why the terminal cannot show the dashboard.
public enum TerminalError: Error, Hashable, Sendable, CustomStringConvertible {
    case notATerminal
    case cannotStart(term: String)
    case system(String, Int32)

    public var description: String {
        switch self {
        case .notATerminal:
            "standard input and output must be a terminal for the dashboard; use --line-mode for plain-text frames and keys read by line, or 'usher top --once' for one frame"
        case .cannotStart(let term):
            "cannot start the terminal interface for TERM='\(term)'; set TERM to your terminal's type (xterm-256color, screen, tmux-256color)"
        case .system(let call, let code):
            "\(call) failed: \(String(cString: strerror(code)))"
        }
    }
}
