import UsherCore

/// What a test holds every terminal output to: no character ``TerminalText`` would escape,
/// line by line (the newlines between lines are the output's own).
public enum TerminalSafety {
    public static func unsafeCharacters(in output: String) -> [Unicode.Scalar] {
        output.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line in
            line.unicodeScalars.filter(TerminalText.needsEscape)
        }
    }
}
