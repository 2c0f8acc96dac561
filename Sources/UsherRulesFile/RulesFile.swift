#if canImport(Glibc)
import Glibc
#endif
import TOMLKit
import UsherCore

/// Reads a rules file: ordered `[[rule]]` tables, first match wins, then `[default]`.
///
/// ```toml
/// inspect_delay = "2s"          # optional: how long a rule that needs caller data waits for it
///
/// [[rule]]
/// name = "office"
/// peer = ["10.0.0.0/8", "fd00::/8"]
/// action = "accept"
///
/// [default]
/// action = "ask"
/// ```
///
/// Every problem is reported, each as `FILE:LINE:COL: message` (``RulesFileErrors``).
public enum RulesFile {
    static let topKeys = ["rule", "default", "inspect_delay"]
    static let actionKeys = ["action", "mode", "message", "for"]
    static let matcherKeys = ["listener", "peer", "sni", "host", "alpn", "method", "path", "data_prefix", "data_regex", "time", "rate", "concurrent", "not"]
    /// Every key a `[[rule]]` table may hold.
    static let ruleKeys = ["name"] + actionKeys + matcherKeys
    static let actions = ["accept", "reject", "defer", "ask"]
    /// The longest rules file read (bytes), and the most rules in it.
    public static let maximumSize = 16 << 20
    public static let maximumRules = 100_000

    /// Reads the file at `path`.
    public static func load(path: String) throws(RulesFileErrors) -> RuleSet {
        let text: String
        do {
            text = try contents(of: path)
        } catch {
            throw RulesFileErrors([RulesFileError(file: path, line: 1, column: 1, message: error.message)])
        }
        return try parse(text, file: path)
    }

    /// Reads the file of remembered decisions: its rules, and the `expires_at` of each (by index).
    static func loadRemembered(path: String) throws(RulesFileErrors) -> ([Rule], [Int: Int64]) {
        let text: String
        do {
            text = try contents(of: path)
        } catch {
            throw RulesFileErrors([RulesFileError(file: path, line: 1, column: 1, message: error.message)])
        }
        var reader = RuleReader(file: path, positions: SourcePositions(text: text), isRememberedFile: true)
        let rules = reader.read(try table(text, file: path))
        guard reader.errors.isEmpty, let rules else { throw RulesFileErrors(reader.errors) }
        return (rules.rules, reader.expiries)
    }

    /// Reads rules from `text`, which came from `file`.
    public static func parse(_ text: String, file: String) throws(RulesFileErrors) -> RuleSet {
        var reader = RuleReader(file: file, positions: SourcePositions(text: text))
        let rules = reader.read(try table(text, file: file))
        guard reader.errors.isEmpty, let rules else { throw RulesFileErrors(reader.errors) }
        return rules
    }

    static func table(_ text: String, file: String) throws(RulesFileErrors) -> TOMLTable {
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw RulesFileErrors([RulesFileError(
                file: file, line: error.source.begin.line, column: error.source.begin.column,
                message: "not valid TOML: \(error.description)")])
        } catch {
            throw RulesFileErrors([RulesFileError(file: file, line: 1, column: 1, message: "not valid TOML: \(error)")])
        }
    }

    struct ReadFailure: Error {
        var message: String
    }

    /// The file's text, read with POSIX calls so that the reason for a failure is errno's.
    static func contents(of path: String) throws(ReadFailure) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadFailure(message: "cannot open the rules file: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw ReadFailure(message: "the rules file is not a regular file")
        }
        guard Int(status.st_size) <= maximumSize else {
            throw ReadFailure(message: "the file is \(status.st_size) bytes; rules files are read up to \(maximumSize)")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw ReadFailure(message: "cannot read the rules file: \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            bytes += buffer.prefix(count)
            guard bytes.count <= maximumSize else { throw ReadFailure(message: "the rules file grew past \(maximumSize) bytes while read") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ReadFailure(message: "the rules file is not UTF-8 text")
        }
        return text
    }
}
