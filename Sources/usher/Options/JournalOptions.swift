import ArgumentParser
import UsherCore

/// Where `usher serve` and `usher run` keep their journal, and for how long.
struct JournalOptions: ParsableArguments {
    /// The default retention.
    static let defaultKeep = Duration.seconds(30 * 86_400)
    /// The default size cap.
    static let defaultMaxBytes: Int64 = 1 << 30

    @Option(
        name: .customLong("journal"),
        help: ArgumentHelp(
            "The journal: every request that ended and who decided, in SQLite (read it with 'usher log'), or 'none'. (default: STATE/journal.sqlite, STATE being $XDG_STATE_HOME/usher, /var/lib/usher for root, else ~/.local/state/usher)",
            valueName: "path"))
    var path: String?

    @Option(
        name: .customLong("journal-keep"),
        help: ArgumentHelp("How long the journal keeps a request: 12h, 30d, 8w, or 'forever'. (default: 30d)", valueName: "duration"),
        transform: JournalOptions.keep)
    var keep: Duration? = JournalOptions.defaultKeep

    @Option(
        name: .customLong("journal-max-size"),
        help: ArgumentHelp("The most the journal's rows may take (512MiB, 2GiB, or 'none'); past it the oldest go. (default: 1GiB)", valueName: "size"),
        transform: JournalOptions.size)
    var maxBytes: Int64? = JournalOptions.defaultMaxBytes

    /// The journal's file, or `nil` with `--journal none`.
    var file: String? {
        if let path, ["none", "off"].contains(path.lowercased()) { return nil }
        return path ?? StateDirectory.path() + "/journal.sqlite"
    }

    /// `30d`, `8w`, `12h`, any duration `usher` reads, or `forever`/`none`.
    static func keep(_ text: String) throws -> Duration? {
        if ["forever", "none", "never"].contains(text.lowercased()) { return nil }
        let units: [(Character, Int64)] = [("d", 86_400), ("w", 604_800)]
        if let unit = units.first(where: { text.hasSuffix(String($0.0)) }), let count = Double(text.dropLast()), count > 0 {
            return .seconds(count * Double(unit.1))
        }
        guard let duration = try ArgumentParsing.optionalDuration(text) else { return nil }
        return duration
    }

    /// `512MiB`, `2GiB`, `100MB`, `4096` (bytes), or `none`.
    static func size(_ text: String) throws -> Int64? {
        if ["none", "off", "unlimited"].contains(text.lowercased()) { return nil }
        let units: [(String, Int64)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
            ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
            ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1),
        ]
        let unit = units.first { text.hasSuffix($0.0) }
        let number = unit.map { String(text.dropLast($0.0.count)) } ?? text
        guard let count = Double(number.trimmingCharacters(in: .whitespaces)), count > 0 else {
            throw ValidationError("'\(text)' is not a size; write 512MiB, 2GiB or 'none'")
        }
        return Int64(count * Double(unit?.1 ?? 1))
    }
}
