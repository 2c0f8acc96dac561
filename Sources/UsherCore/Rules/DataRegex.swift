/// A regular expression on the printable preview of caller data (`data_regex`), in Swift's
/// regex syntax.
///
/// Swift's `Regex` is not `Sendable`; this box holds one compiled pattern that is only ever read,
/// by one evaluation at a time (the provider core is owned by one thread at a time).
public final class DataRegex: Hashable, @unchecked Sendable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    private let regex: Regex<AnyRegexOutput>

    /// The longest pattern accepted.
    public static let maximumLength = 1024

    /// Why a pattern was refused.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(_ pattern: String) throws(ParseError) {
        guard !pattern.isEmpty else { throw ParseError(description: "an empty regular expression matches everything; leave data_regex out instead") }
        guard pattern.count <= Self.maximumLength else {
            throw ParseError(description: "a regular expression of \(pattern.count) characters is too long (at most \(Self.maximumLength))")
        }
        do {
            regex = try Regex(pattern)
        } catch {
            throw ParseError(description: "not a regular expression: \(error)")
        }
        self.pattern = pattern
    }

    /// `true` when the pattern matches somewhere in `text`.
    public func matches(_ text: String) -> Bool {
        ((try? regex.firstMatch(in: text)) ?? nil) != nil
    }

    public static func == (lhs: DataRegex, rhs: DataRegex) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }
    public var description: String { pattern }
}
