import UsherCore

/// Where a daemon's rules come from and where its remembered decisions are kept: reloading the
/// rules file, writing the remembered decisions that outlive a restart.
public protocol RulesKeeper: Sendable {
    /// The rules file, if the daemon has one.
    var file: String? { get }

    /// Reads the rules file and puts it in force, or leaves the old rules and says why (the
    /// refusal is also published as a `rules` event).
    func reload(applyPending: Bool) -> Result<Int, RulesRefusal>

    /// Writes the remembered decisions that outlive a restart.
    func saveRemembered()
}

/// Why a rules file was refused: every problem, one per line (`FILE:LINE:COL: message`).
public struct RulesRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
